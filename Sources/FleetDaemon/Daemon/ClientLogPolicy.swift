import Deployer
import FleetTypes
import Supervisor

/// How a bot client's log is kept, the same for its launch and for its adoption by a restarted daemon: an adopted
/// client's log is redacted exactly as a launched one's, of the daemon's secrets (the Discord token, the admin
/// token) and of the client's launch key.
struct ClientLogPolicy: Sendable {
    /// The values no log may hold (``LaunchEnvironment/secrets``).
    let secrets: [String]
    /// Where the launch keys come from: the engine's key source, which tells the key of any client.
    let keys: DerivedKeySource

    /// The policy of `client`'s log at `path`.
    func policy(for client: ClientID, path: String) -> LogPolicy {
        LogPolicy(path: path, redacting: secrets + [keys.key(for: client)])
    }
}
