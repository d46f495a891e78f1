public import AsyncHTTPClient
public import FleetConfiguration
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle

/// Posts ``DeploymentNotification``s to the configured webhooks, in the background.
///
/// ``post(_:)`` never waits: a deployment is never held up by a slow or failing
/// webhook. Each delivery is retried a bounded number of times; a delivery that
/// still fails is logged (without the webhook's URL path, which carries its secret)
/// and dropped.
///
/// ```swift
/// let notifier = Notifier(targets: [.discord(url)], logger: logger)
/// // in the ServiceGroup: services: [notifier, ...]
/// notifier.post(DeploymentNotification(event: .started, bot: "mybot", revision: id))
/// ```
public final class Notifier: Service {
    /// A webhook and the body format it takes.
    public struct Target: Sendable, Equatable {
        /// How the body is written.
        public enum Format: Sendable, Equatable {
            /// `{"username", "content"}` for a Discord webhook.
            case discord
            /// The notification itself as JSON.
            case json
        }

        /// The webhook's URL.
        public var url: String
        /// The body format.
        public var format: Format

        /// A Discord webhook.
        public static func discord(_ url: String) -> Target { Target(url: url, format: .discord) }
        /// A generic JSON webhook.
        public static func json(_ url: String) -> Target { Target(url: url, format: .json) }
    }

    /// The most notifications waiting; past it the oldest are dropped.
    static let queueLimit = 256

    private let targets: [Target]
    private let httpClient: HTTPClient
    private let retryDelays: [Duration]
    private let requestTimeout: Duration
    private let logger: Logger
    /// A notification and what completes it before delivery (e.g. the commits it concerns).
    private struct Queued: Sendable {
        var notification: DeploymentNotification
        var completion: (@Sendable (inout DeploymentNotification) async -> Void)?
    }

    private let notifications: AsyncStream<Queued>
    private let continuation: AsyncStream<Queued>.Continuation

    /// A notifier posting to `targets`.
    ///
    /// - Parameters:
    ///   - retryDelays: the waits between attempts; one attempt more than there are delays.
    ///   - requestTimeout: how long one attempt may take.
    public init(targets: [Target], httpClient: HTTPClient = .shared,
                retryDelays: [Duration] = [.seconds(1), .seconds(5), .seconds(15)],
                requestTimeout: Duration = .seconds(10), logger: Logger) {
        self.targets = targets
        self.httpClient = httpClient
        self.retryDelays = retryDelays
        self.requestTimeout = requestTimeout
        self.logger = logger
        (notifications, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(Self.queueLimit))
    }

    /// The targets of a configuration's `[notify]` table.
    public static func targets(of settings: NotifySettings) -> [Target] {
        var targets: [Target] = []
        if !settings.discordWebhook.isEmpty { targets.append(.discord(settings.discordWebhook)) }
        if !settings.webhook.isEmpty { targets.append(.json(settings.webhook)) }
        return targets
    }

    /// Queues `notification` for every target; returns at once.
    ///
    /// - Parameter completion: run in order, just before delivery, to add what takes time to find
    ///   (the commits of a revision range); it never holds up the caller.
    public func post(_ notification: DeploymentNotification,
                     completion: (@Sendable (inout DeploymentNotification) async -> Void)? = nil) {
        guard !targets.isEmpty else { return }
        continuation.yield(Queued(notification: notification, completion: completion))
    }

    /// Delivers queued notifications, in order, until graceful shutdown.
    public func run() async {
        for await queued in notifications.cancelOnGracefulShutdown() {
            var notification = queued.notification
            await queued.completion?(&notification)
            let complete = notification
            await withTaskGroup(of: Void.self) { group in
                for target in targets {
                    group.addTask { await self.deliver(complete, to: target) }
                }
            }
        }
    }

    /// Delivers one notification to one target with retries; true when it was accepted.
    @discardableResult
    func deliver(_ notification: DeploymentNotification, to target: Target) async -> Bool {
        let body: Data
        do {
            body = try target.format == .discord ? notification.discordWebhookBody() : notification.genericWebhookBody()
        } catch {
            logger.error("cannot encode a notification", metadata: ["error": "\(error)"])
            return false
        }
        var failure = ""
        for attempt in 0...retryDelays.count {
            if attempt > 0 {
                do { try await Task.sleep(for: retryDelays[attempt - 1]) } catch { return false }
            }
            do {
                var request = HTTPClientRequest(url: target.url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "urban-robot")
                request.body = .bytes(ByteBuffer(bytes: body))
                let response = try await httpClient.execute(request, timeout: .nanoseconds(requestTimeout.nanoseconds))
                if (200..<300).contains(response.status.code) { return true }
                failure = "HTTP \(response.status.code)"
            } catch {
                failure = "\(error)"
            }
            logger.warning("notification not delivered", metadata: [
                "webhook": "\(Self.redacted(target.url))", "attempt": "\(attempt + 1)", "error": "\(failure)",
            ])
        }
        logger.error("notification dropped after \(retryDelays.count + 1) attempts", metadata: [
            "webhook": "\(Self.redacted(target.url))", "event": "\(notification.event.rawValue)",
        ])
        return false
    }

    /// The scheme and host of a webhook URL: its path carries the webhook's secret.
    static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "<webhook>" }
        return "\(components.scheme ?? "http")://\(host)\(components.port.map { ":\($0)" } ?? "")/…"
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
