public import Foundation

/// News about a deployment, posted to the configured webhooks.
///
/// The generic webhook receives it as JSON with these keys:
/// `{"event", "bot", "deployment", "revision", "trigger", "reason", "commits": [{"id", "subject"}], "time"}`, and on a
/// failure whose client is known `"failed_client"` and `"log_tail"` (the last lines of its log).
public struct DeploymentNotification: Sendable, Equatable, Codable {
    /// What happened.
    public enum Event: String, Sendable, Codable, CaseIterable {
        /// A deployment began.
        case started = "deploy_started"
        /// The canaries passed their gate and bake.
        case canaryPassed = "canary_passed"
        /// The whole fleet runs the revision, which is tagged good.
        case succeeded
        /// The deployment failed and the fleet was returned to a serving or good revision.
        case rolledBack = "rolled_back"
        /// The deployment failed before any instance was touched.
        case failed
        /// An operator aborted the deployment.
        case aborted
        /// Nothing passes any more; the daemon stopped deploying until `urban-robot resume`.
        case halted
    }

    /// One commit of the revision range a deployment brings or takes back.
    public struct Commit: Sendable, Equatable, Codable {
        /// The full commit id.
        public var id: String
        /// The first line of its message.
        public var subject: String

        /// A commit from its parts.
        public init(id: String, subject: String) {
            self.id = id
            self.subject = subject
        }
    }

    /// What happened.
    public var event: Event
    /// The bot's name (the configuration file's base name).
    public var bot: String
    /// The deployment id, when there is one.
    public var deployment: Int?
    /// The full id of the revision being deployed (or rolled back to).
    public var revision: String
    /// What started the deployment (`push`, `webhook`, `poll`, `cli`, `rollback`, `auto-rollback`).
    public var trigger: String?
    /// Why it failed, rolled back or halted.
    public var reason: String?
    /// The commits involved, newest first.
    public var commits: [Commit]
    /// When it happened.
    public var time: Date
    /// The client whose failure ended the deployment, when known (`shard-0.3`).
    public var failedClient: String?
    /// The last lines of that client's log.
    public var logTail: String?

    private enum CodingKeys: String, CodingKey {
        case event, bot, deployment, revision, trigger, reason, commits, time
        case failedClient = "failed_client"
        case logTail = "log_tail"
    }

    /// A notification from its parts.
    public init(event: Event, bot: String, deployment: Int? = nil, revision: String, trigger: String? = nil,
                reason: String? = nil, commits: [Commit] = [], time: Date = Date()) {
        self.event = event
        self.bot = bot
        self.deployment = deployment
        self.revision = revision
        self.trigger = trigger
        self.reason = reason
        self.commits = commits
        self.time = time
    }
}
