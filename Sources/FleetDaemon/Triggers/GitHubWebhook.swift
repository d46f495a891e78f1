import AdminAPI
import Deployer
public import FleetConfiguration
import FleetTypes
import Foundation
public import Logging
import Synchronization

/// `POST /hooks/github`: verifies GitHub's signature on the raw body, ignores replayed deliveries,
/// decides with ``GitHubPushDecision``, ignores a revision that does not move the fleet forward
/// (``PushAncestryCheck``) and asks the daemon for a `webhook` deployment.
///
/// The secret is read once, from `[webhook] github_secret_file`, and never logged.
public final class GitHubWebhook: Sendable {
    private let secret: [UInt8]
    private let branch: String
    private let marker: String
    private let control: any DaemonControl
    private let logger: Logger
    private let ledger = Mutex(DeliveryLedger())

    /// A webhook with its secret, the configured branch and marker, deploying through `control`.
    public init(secret: [UInt8], branch: String, marker: String, control: any DaemonControl, logger: Logger) {
        self.secret = secret
        self.branch = branch
        self.marker = marker
        self.control = control
        self.logger = logger
    }

    /// The webhook of `configuration`, or nil when `[webhook] github_secret_file` is empty (the webhook is off).
    ///
    /// - Throws: ``WebhookSecretError`` when the file cannot be read or holds nothing.
    public static func load(configuration: Configuration, control: any DaemonControl, logger: Logger) throws -> GitHubWebhook? {
        let file = configuration.webhook.githubSecretFile
        guard !file.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw WebhookSecretError(path: file, message: "cannot read it; check the path and that the daemon's user may read it")
        }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else {
            throw WebhookSecretError(path: file, message: "it is empty; write the secret GitHub's webhook settings show")
        }
        return GitHubWebhook(secret: Array(secret.utf8), branch: configuration.source.branch,
                             marker: configuration.source.marker, control: control, logger: logger)
    }

    /// Handles one delivery: its `X-GitHub-Event`, `X-GitHub-Delivery` and `X-Hub-Signature-256` headers and raw body.
    public func handle(event: String?, delivery: String?, signature: String?, body: [UInt8]) async -> GitHubWebhookAnswer {
        guard GitHubSignature.isValid(header: signature, body: body, secret: secret) else {
            logger.warning("GitHub webhook: bad or missing X-Hub-Signature-256", metadata: ["delivery": "\(delivery ?? "none")"])
            return .unauthorized
        }
        guard let delivery, !delivery.isEmpty else { return .invalid("the X-GitHub-Delivery header is missing") }
        guard ledger.withLock({ $0.recordFirstSighting(of: delivery) }) else {
            return .ignored("delivery \(delivery) was already received")
        }
        let decision: GitHubPushDecision
        do throws(GitHubPayloadError) {
            decision = try GitHubPushDecision.decide(event: event, body: Data(body), branch: branch, marker: marker)
        } catch {
            return .invalid(error.message)
        }
        switch decision {
        case .pong:
            return .pong
        case .ignore(let reason):
            logger.info("GitHub webhook: ignored", metadata: ["delivery": "\(delivery)", "reason": "\(reason)"])
            return .ignored(reason)
        case .deploy(let revision, let subject):
            return await deploy(revision, subject: subject, delivery: delivery)
        }
    }

    /// Requests a deployment of `revision` when it moves the fleet forward.
    private func deploy(_ revision: String, subject: String, delivery: String) async -> GitHubWebhookAnswer {
        let metadata: Logger.Metadata = ["delivery": "\(delivery)", "revision": "\(revision)"]
        do {
            if let reason = try await PushAncestryCheck(control: control).reasonToIgnore(revision) {
                logger.warning("GitHub webhook: push ignored", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                return .ignored(reason)
            }
        } catch {
            logger.error("GitHub webhook: cannot check the push's ancestry", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failed("cannot check that \(revision.prefix(12)) descends from what serves: \(error)")
        }
        do {
            let id = try await control.requestDeployment(DeploymentRequest(ref: revision, trigger: .webhook, who: "github:\(delivery)"))
            logger.info("GitHub webhook: deployment \(id) of \(revision.prefix(12)) (\(subject))")
            return .deployment(id)
        } catch let error as DaemonControlError {
            return error.code == .refused ? .refused(error.message) : .invalid(error.message)
        } catch {
            return .failed("\(error)")
        }
    }
}

/// A `[webhook] github_secret_file` that cannot be used. The message never holds the secret.
public struct WebhookSecretError: Error, Sendable, CustomStringConvertible {
    /// The secret file.
    public var path: String
    /// What is wrong and what to do.
    public var message: String

    /// `webhook secret PATH: MESSAGE`.
    public var description: String { "[webhook] github_secret_file \(path): \(message)" }
}
