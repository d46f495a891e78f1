public import AdminAPI
public import FleetConfiguration
import Hummingbird
public import Logging
public import ServiceLifecycle

/// The admin API of docs/admin-api.md on `[admin] listen`: a `Service` the daemon's `ServiceGroup` runs.
///
/// Every route but `POST /hooks/github` and the page's login needs the bearer token of ``AdminToken`` or a page
/// session of ``UISessions`` (the status page at `/ui`); the routes work on
/// any ``DaemonControl``, so tests run the server on a real port with a small control of their own:
///
/// ```swift
/// let server = AdminServer(listen: .init(host: "127.0.0.1", port: 0), token: token, control: daemon,
///                          metrics: metrics, webhook: nil, branch: "main", logger: logger) { port in print(port) }
/// try await ServiceGroup(services: [server], logger: logger).run()
/// ```
public struct AdminServer: Service {
    private let listen: ListenAddress
    private let routes: AdminRoutes
    private let pageRoutes: UIRoutes
    private let token: AdminToken
    private let logger: Logger
    private let onServerRunning: @Sendable (Int) async -> Void

    /// A server for `control` on `listen`.
    ///
    /// - Parameters:
    ///   - listen: where to listen; port 0 asks the system for a free port.
    ///   - token: the bearer token every route but the webhook requires.
    ///   - control: the running daemon.
    ///   - metrics: what `GET /metrics` renders.
    ///   - webhook: the GitHub webhook; nil answers `POST /hooks/github` with 404.
    ///   - branch: what a deployment request without a revision deploys (`[source] branch`).
    ///   - logger: where requests that fail are logged.
    ///   - sessions: the status page's login codes and sessions (`/ui`).
    ///   - onServerRunning: called with the bound port once the server listens.
    public init(listen: ListenAddress, token: AdminToken, control: any DaemonControl, metrics: DaemonMetrics,
                webhook: GitHubWebhook?, branch: String, logger: Logger, sessions: UISessions = UISessions(),
                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.listen = listen
        self.token = token
        self.routes = AdminRoutes(control: control, metrics: metrics, webhook: webhook, branch: branch)
        self.pageRoutes = UIRoutes(control: control, sessions: sessions)
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    /// Serves until graceful shutdown; follow streams end with it.
    public func run() async throws {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: AdminAuthMiddleware(token: token, openPaths: [AdminRoutes.webhookPath, UIRoutes.loginPath],
                                                   bearerOnlyPaths: [UIRoutes.loginCodesPath], sessions: pageRoutes.sessions))
        routes.register(on: router)
        pageRoutes.register(on: router)
        let announce = onServerRunning
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "urban-robot"),
            onServerRunning: { channel in await announce(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await application.run()
    }
}
