import Deployer
import Foundation

/// The end of the log of the client whose failure ended a deployment, shown where the operator looks: the
/// `finished` progress event (so `deploy` and the push hook print it) and the failure notification.
///
/// The deployment's first `gate.failed` or `active.failed` audit entry names the instance and the client; the
/// client's log is `<state>/logs/<instance>/<client>.log`.
struct FailureLog: Sendable {
    /// The failing client and the last lines of its log.
    struct Tail: Sendable, Equatable {
        /// The failing client's instance.
        var instance: Int
        /// The failing client.
        var client: String
        /// Its last ``FailureLog/lines`` lines, as written.
        var text: String
    }

    /// The audit kinds that name a failing client.
    static let failureKinds: Set<String> = ["gate.failed", "active.failed"]
    /// How many lines are shown.
    static let lines = 20

    /// The daemon's state folder, holding `logs/`.
    let stateDirectory: String

    /// The tail of the log of the first failing client among `entries`, or nil when none names one or its
    /// log cannot be read.
    func tail(of entries: [AuditEntry]) -> Tail? {
        guard let failure = entries.first(where: { Self.failureKinds.contains($0.kind) && $0.instance != nil && $0.client != nil }),
              let instance = failure.instance, let client = failure.client?.rawValue,
              let log = try? LogTail(path: "\(stateDirectory)/logs/\(instance)/\(client).log", lines: Self.lines)
        else { return nil }
        return Tail(instance: instance, client: client, text: String(decoding: log.text, as: UTF8.self))
    }
}
