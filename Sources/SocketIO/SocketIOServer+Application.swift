public import Hummingbird
public import Logging
public import NIOCore
public import ServiceLifecycle

extension SocketIOServer {
    /// A Hummingbird application serving only this Socket.IO server, with the server among its services.
    /// - Parameters:
    ///   - configuration: Where to listen, and Hummingbird's other settings
    ///   - services: More services to run with the application
    ///   - onServerRunning: Called once the listening socket is bound (its `localAddress` has the port)
    ///   - logger: The application's logger
    public func application(
        configuration: ApplicationConfiguration,
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        logger: Logger? = nil
    ) -> some ApplicationProtocol {
        let router = Router(context: SocketIORequestContext.self)
        router.add(middleware: middleware())
        return Application(
            router: router,
            server: httpServerBuilder(),
            configuration: configuration,
            services: [self] + services,
            onServerRunning: onServerRunning,
            logger: logger ?? self.logger
        )
    }
}
