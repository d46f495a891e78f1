import FleetConfiguration
import Supervisor

extension Daemon {
    /// The launcher of the configured kind: the one place that names a concrete ``ProcessLauncher``. The rest
    /// of the daemon knows only the protocol.
    static func makeLauncher(_ configuration: Configuration) -> any ProcessLauncher {
        LocalProcessLauncher()
    }
}
