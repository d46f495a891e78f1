import ArgumentParser
import Glibc
import Hummingbird
import Logging
import ServiceLifecycle
import SocketIO
import UnixSignals

/// An echo server for manual tests, benchmarks and conformance suites.
@main
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "socketio-echo",
        abstract: "A Socket.IO echo server on namespaces / and /custom."
    )

    @Option(help: "The TCP port (0 picks a free one).")
    var port: Int

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The Socket.IO path.")
    var path = "/socket.io/"

    @Option(name: .customLong("ping-interval-ms"), help: "Engine.IO ping interval in milliseconds.")
    var pingIntervalMilliseconds = 25_000

    @Option(name: .customLong("ping-timeout-ms"), help: "Engine.IO ping timeout in milliseconds.")
    var pingTimeoutMilliseconds = 20_000

    @Option(name: .customLong("max-payload"), help: "Largest HTTP body or WebSocket message in bytes.")
    var maxPayload = 1_000_000

    @Option(name: .customLong("connect-timeout-ms"), help: "Time allowed until the Socket.IO CONNECT, in milliseconds.")
    var connectTimeoutMilliseconds = 45_000

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, got \(port)") }
        guard pingIntervalMilliseconds > 0, pingTimeoutMilliseconds > 0, connectTimeoutMilliseconds > 0 else {
            throw ValidationError("--ping-interval-ms, --ping-timeout-ms and --connect-timeout-ms must be positive")
        }
        guard maxPayload > 0 else { throw ValidationError("--max-payload must be positive, got \(maxPayload)") }
        guard path.hasPrefix("/") else { throw ValidationError("--path must start with /, got \(path)") }
    }

    func run() async throws {
        var logger = Logger(label: "socketio-echo")
        logger.logLevel = .warning
        let server = SocketIOServer(
            configuration: .init(
                path: path,
                pingInterval: .milliseconds(pingIntervalMilliseconds),
                pingTimeout: .milliseconds(pingTimeoutMilliseconds),
                maxPayload: maxPayload,
                connectTimeout: .milliseconds(connectTimeoutMilliseconds)
            ),
            logger: logger
        )
        EchoBehaviour.install(on: server.namespace("/"))
        EchoBehaviour.install(on: server.namespace("/custom"))
        let host = host
        let path = server.configuration.normalizedPath
        let application = server.application(
            configuration: .init(address: .hostname(host, port: port), serverName: "socketio-echo"),
            onServerRunning: { channel in
                let boundPort = channel.localAddress?.port ?? 0
                // Written unbuffered, so a parent reading the pipe sees the line at once.
                let line = Array("socketio-echo listening on http://\(host):\(boundPort)\(path)\n".utf8)
                _ = line.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [application],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
