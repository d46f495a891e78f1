import ArgumentParser
import FleetTypes

/// The triggers `deploy --trigger` accepts.
enum DeployTriggerArgument: String, ExpressibleByArgument, CaseIterable {
    /// A person at the command line.
    case cli
    /// The push hook.
    case push

    /// The engine's trigger.
    var trigger: Trigger {
        switch self {
        case .cli: .cli
        case .push: .push
        }
    }
}
