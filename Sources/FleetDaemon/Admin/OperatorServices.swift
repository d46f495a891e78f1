import AdminAPI
public import FleetConfiguration
public import Logging
public import ServiceLifecycle

/// The operator-facing services `urban-robot serve` hands to the daemon's `ServiceGroup`: the admin
/// API (with `/metrics` and the GitHub webhook) and, when `[source] poll` is more than zero, the poller.
public enum OperatorServices {
    /// The services for a daemon `control` of `configuration`; creates `<state>/admin.token` on first start.
    ///
    /// - Throws: ``AdminTokenError`` or ``WebhookSecretError`` when the token or the webhook secret cannot be read.
    public static func make(configuration: Configuration, control: any DaemonControl, metrics: DaemonMetrics,
                            logger: Logger) throws -> [any Service] {
        let token = try AdminToken.loadOrCreate(stateDirectory: configuration.state.directory)
        let webhook = try GitHubWebhook.load(configuration: configuration, control: control, logger: logger)
        let listen = configuration.admin.listen
        var services: [any Service] = [
            AdminServer(listen: listen, token: token, control: control, metrics: metrics, webhook: webhook,
                        branch: configuration.source.branch, logger: logger) { port in
                logger.info("admin API listening on \(ListenAddress(host: listen.host, port: port))")
            },
        ]
        if configuration.source.poll > .zero {
            services.append(SourcePoller(control: control, interval: configuration.source.poll, logger: logger))
        }
        return services
    }
}
