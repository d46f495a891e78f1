extension SocketIOServer {
    /// The server's settings; the defaults are the reference JavaScript server's.
    public struct Configuration: Sendable {
        /// The URL path the server answers on (`/socket.io/`)
        public var path: String
        /// How often the server pings each client
        public var pingInterval: Duration
        /// How long a client has to answer a ping before its session is closed
        public var pingTimeout: Duration
        /// The largest HTTP POST body and WebSocket message accepted, in bytes
        public var maxPayload: Int
        /// How long a session may stay unauthenticated before it is closed, transport included. A session is
        /// authenticated once a namespace accepted its CONNECT with ``SocketIOAuthDecision/accept``, or once the
        /// application called ``SocketIOSocket/markAuthenticated()`` on a socket it accepted with
        /// ``SocketIOAuthDecision/acceptUnauthenticated``.
        public var connectTimeout: Duration
        /// How long an upgrade to WebSocket may take once the WebSocket is open
        public var upgradeTimeout: Duration
        /// The largest number of open sessions. At the limit a handshake sheds the oldest unauthenticated
        /// session, or gets HTTP 403 `{"code":4}` when every session is authenticated
        public var maxSessions: Int
        /// The largest number of unauthenticated sessions; at the limit a handshake sheds the oldest one, so that
        /// unauthenticated sessions never starve a client that authenticates
        public var maxUnauthenticatedSessions: Int
        /// The largest number of unauthenticated sessions of one peer IP address; at the limit a handshake from
        /// that address sheds that address's oldest one
        public var maxUnauthenticatedSessionsPerAddress: Int
        /// The largest number of packets queued for one client (out or in) before its session is closed
        public var maxQueuedPackets: Int
        /// The largest number of bytes queued for one client before its session is closed
        public var maxQueuedBytes: Int
        /// The largest number of binary attachments in one packet
        public var maxAttachments: Int

        /// Creates settings.
        /// - Parameters:
        ///   - path: The URL path (`/socket.io/`)
        ///   - pingInterval: Ping period (25 s)
        ///   - pingTimeout: Pong deadline after a ping (20 s)
        ///   - maxPayload: Largest body or message in bytes (1,000,000)
        ///   - connectTimeout: Time allowed until the session is authenticated (45 s)
        ///   - upgradeTimeout: Time allowed for an upgrade to WebSocket (10 s)
        ///   - maxSessions: Largest number of open sessions (10,000)
        ///   - maxUnauthenticatedSessions: Largest number of unauthenticated sessions (1,000)
        ///   - maxUnauthenticatedSessionsPerAddress: Largest number of unauthenticated sessions per peer address (100)
        ///   - maxQueuedPackets: Largest queue per client, in packets (1,024)
        ///   - maxQueuedBytes: Largest outgoing queue per client, in bytes (8 × maxPayload)
        ///   - maxAttachments: Largest attachment count per packet (10)
        public init(
            path: String = "/socket.io/",
            pingInterval: Duration = .seconds(25),
            pingTimeout: Duration = .seconds(20),
            maxPayload: Int = 1_000_000,
            connectTimeout: Duration = .seconds(45),
            upgradeTimeout: Duration = .seconds(10),
            maxSessions: Int = 10_000,
            maxUnauthenticatedSessions: Int = 1000,
            maxUnauthenticatedSessionsPerAddress: Int = 100,
            maxQueuedPackets: Int = 1024,
            maxQueuedBytes: Int? = nil,
            maxAttachments: Int = 10
        ) {
            self.path = path
            self.pingInterval = pingInterval
            self.pingTimeout = pingTimeout
            self.maxPayload = maxPayload
            self.connectTimeout = connectTimeout
            self.upgradeTimeout = upgradeTimeout
            self.maxSessions = maxSessions
            self.maxUnauthenticatedSessions = maxUnauthenticatedSessions
            self.maxUnauthenticatedSessionsPerAddress = maxUnauthenticatedSessionsPerAddress
            self.maxQueuedPackets = maxQueuedPackets
            self.maxQueuedBytes = maxQueuedBytes ?? 8 * maxPayload
            self.maxAttachments = maxAttachments
        }

        /// The period of the deadline ticker: a tenth of the shortest timeout, from 5 ms to 250 ms.
        var tickInterval: Duration {
            let shortest = min(pingInterval, pingTimeout, connectTimeout)
            return max(.milliseconds(5), min(.milliseconds(250), shortest / 10))
        }

        /// The path with exactly one trailing slash, as clients use it.
        public var normalizedPath: String {
            var path = path
            while path.hasSuffix("/") { path.removeLast() }
            return path + "/"
        }
    }
}
