import AdminAPI
import FleetTypes
import SocketIO
import Synchronization

/// One socket on the channel and the client it speaks for, once its credentials were accepted.
final class ChannelSession: Sendable {
    private struct State {
        var client: ClientID?
        var isUnmanaged = false
        var presentedKey: String?
        var heartbeat: StatusSnapshot.Heartbeat?
        var coma = ComaConfirmation()
    }

    /// The socket.
    let socket: SocketIOSocket
    private let state = Mutex(State())

    /// A session for `socket`, bound to `client` when the CONNECT auth was accepted.
    init(socket: SocketIOSocket, client: ClientID?) {
        self.socket = socket
        state.withLock { $0.client = client }
    }

    /// The client it speaks for; nil until it authenticated.
    var client: ClientID? { state.withLock { $0.client } }

    /// Whether the client is unmanaged (admitted under `allow_unmanaged`).
    var isUnmanaged: Bool { state.withLock { $0.isUnmanaged } }

    /// The latest `heartbeat` received on this socket (each bounded by ``HeartbeatStats/byteLimit``); it lives
    /// and dies with the socket, so a replaced or closed socket's heartbeat is never shown for its client.
    var heartbeat: StatusSnapshot.Heartbeat? {
        get { state.withLock { $0.heartbeat } }
        set { state.withLock { $0.heartbeat = newValue } }
    }

    /// The launch key the client presented (none for an unmanaged client): redacted from what it sends.
    var presentedKey: String? { state.withLock { $0.presentedKey } }

    /// Notes a command about processing, before it is sent on this socket (``ComaConfirmation/commanded(processing:)``).
    func commanded(processing: Bool) {
        state.withLock { $0.coma.commanded(processing: processing) }
    }

    /// Notes the client's `coma` event (``ComaConfirmation/confirmed()``).
    func confirmedComa() {
        state.withLock { $0.coma.confirmed() }
    }

    /// Whether the client is idle by its own word: on this socket it confirmed the `coma` it was last told.
    var isIdle: Bool { state.withLock { $0.coma.isIdle } }

    /// Binds the session to its client, which presented `key`.
    func bind(_ client: ClientID, unmanaged: Bool, key: String?) {
        state.withLock {
            $0.client = client
            $0.isUnmanaged = unmanaged
            $0.presentedKey = key
        }
    }
}
