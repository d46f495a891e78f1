public import Foundation

/// One line of a deployment's progress, as the admin API streams it.
public struct ProgressEvent: Sendable, Equatable, Codable {
    /// When it happened.
    public var time: Date
    /// The deployment it belongs to.
    public var deployment: Int?
    /// The engine's audit kind (``AuditEvent/kind``: `gate.passed`, `handover.committed`, ...) or `finished`.
    public var kind: String
    /// The instance concerned, if any.
    public var instance: Int?
    /// The client concerned, if any (`shard-0.3`).
    public var client: String?
    /// The engine's details.
    public var detail: [String: String]
    /// One sentence a person reads.
    public var message: String

    /// An event from its parts.
    public init(time: Date, deployment: Int?, kind: String, instance: Int? = nil, client: String? = nil,
                detail: [String: String] = [:], message: String) {
        self.time = time
        self.deployment = deployment
        self.kind = kind
        self.instance = instance
        self.client = client
        self.detail = detail
        self.message = message
    }
}

extension ProgressEvent {
    /// The kind of a deployment's last event.
    public static let finishedKind = "finished"
    /// The `detail` key of a failed deployment's `finished` event holding the end of the failing client's log.
    public static let logTailKey = "log_tail"
    /// The kind of a line of the release's build output (the engine's image build, or `bot.build`), sent to the
    /// deployment's followers as it comes and not stored: `detail["line"]` holds the line, `detail["revision"]`
    /// the revision built. The whole output is in `<state>/logs/build/<sha>.log`.
    public static let buildOutputKind = "build.output"

    /// The end of the failing client's log, on a failed deployment's `finished` event.
    public var logTail: String? { detail[Self.logTailKey] }
}
