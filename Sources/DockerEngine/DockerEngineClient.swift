public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A client of the Docker Engine API (version 1.41, Docker 20.10) over the engine's Unix socket (or TCP with TLS
/// and a client certificate, ``init(tcp:tls:)``), with only the
/// calls the swarm launcher needs: ping and version, services, secrets, tasks, images, events and container logs.
///
/// ```swift
/// let engine = DockerEngineClient(socketPath: "/var/tmp/urban-robot-docker/docker.sock")
/// let apiVersion = try await engine.version().apiVersion             // "1.41"
/// let secretID = try await engine.createSecret(SecretSpec(name: "fleet-shard-0.7-key", data: Data(key.utf8)))
/// let serviceID = try await engine.createService(spec)
/// for try await event in engine.events(filters: ["type": ["container"], "label": ["urban-robot.fleet=mybot"]]) { ... }
/// ```
///
/// Every call throws ``DockerEngineError`` naming the call, with the engine's message.
public struct DockerEngineClient: Sendable {
    /// The API version every path is prefixed with.
    public static let apiVersion = "1.41"

    /// The engine's socket (empty for a TCP endpoint).
    public let socketPath: String
    /// `https://HOST:PORT` of a TCP endpoint; nil for a socket.
    let baseURL: String?
    let http: HTTPClient
    let timeout: TimeAmount

    /// The endpoint, for messages: the socket path or the TCP address.
    public var endpoint: String { baseURL ?? socketPath }

    /// The HTTP client of the engine clients made without one. Each client the swarm launcher follows holds one or
    /// two streams (its events, its output) for as long as it runs, each on a connection of its own: the pool is not
    /// held to AsyncHTTPClient's default of 8 connections per host, past which a call waits for a stream to end.
    public static let sharedHTTPClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration())

    /// The connections to one engine the pool may hold at once: two streams per client of a large fleet and the
    /// calls beside them.
    static let maximumConnections = 4096

    /// An HTTP client configuration (with `tls` for a TCP endpoint) whose pool holds up to ``maximumConnections``.
    static func configuration(tls: TLSConfiguration? = nil) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maximumConnections
        return configuration
    }

    /// Creates a client of the engine listening on `socketPath`.
    /// - Parameters:
    ///   - http: the HTTP client (default ``sharedHTTPClient``; it is not shut down here).
    ///   - timeout: how long a plain call may take (not the streams: events and logs run until cancelled).
    public init(socketPath: String, http: HTTPClient = sharedHTTPClient, timeout: Duration = .seconds(60)) {
        self.socketPath = socketPath
        baseURL = nil
        self.http = http
        self.timeout = Self.timeAmount(timeout)
    }

    /// Creates a client of the engine listening on `hostPort` (`HOST:PORT`) with TLS: the engine's certificate is
    /// checked against `tls.caFile` (read when the first call connects), and the client presents
    /// `tls.certificateFile` and `tls.keyFile` (read now). A bad file fails the first call, naming the endpoint.
    public init(tcp hostPort: String, tls: DockerTLSFiles, timeout: Duration = .seconds(60)) {
        socketPath = ""
        baseURL = "https://\(hostPort)"
        http = DockerTLSFiles.client(for: tls)
        self.timeout = Self.timeAmount(timeout)
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A request for `path` (with its query) on the socket. The engine refuses a request without a `Host`
    /// header (HTTP/1.1), which AsyncHTTPClient leaves empty for a socket.
    func request(_ method: HTTPMethod, _ path: String) -> HTTPClientRequest {
        let uri = "/v\(Self.apiVersion)\(path)"
        let url = baseURL.map { $0 + uri }
            ?? URL(httpURLWithSocketPath: socketPath, uri: uri)?.absoluteString ?? "http+unix://\(socketPath)\(uri)"
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.replaceOrAdd(name: "Host", value: "docker")
        return request
    }

    /// Sends one request and returns the status and the whole body; a status outside 200...299 (other than those
    /// in `accepting`) throws with the engine's message.
    func send(
        _ method: HTTPMethod, _ path: String, json body: Data? = nil, accepting: Set<Int> = []
    ) async throws(DockerEngineError) -> (status: Int, body: Data) {
        let call = "\(method.rawValue) \(path.split(separator: "?").first.map(String.init) ?? path)"
        var request = request(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await http.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 64 << 20)
            let data = Data(bytes.readableBytesView)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) || accepting.contains(status) else {
                throw DockerEngineError(call: call, status: status, message: Self.message(in: data))
            }
            return (status, data)
        } catch let error as DockerEngineError {
            throw error
        } catch {
            throw DockerEngineError(call: call, status: nil, message: "\(error) (is the engine running on \(endpoint)?)")
        }
    }

    /// Sends one request and decodes its JSON answer.
    func decode<Answer: Decodable>(
        _ type: Answer.Type, _ method: HTTPMethod, _ path: String, json body: Data? = nil
    ) async throws(DockerEngineError) -> Answer {
        let (_, data) = try await send(method, path, json: body)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw DockerEngineError(call: "\(method.rawValue) \(path)", status: 200, message: "unexpected answer: \(error)")
        }
    }

    /// The engine's `{"message": ...}`, else the body as text.
    static func message(in body: Data) -> String {
        struct Message: Decodable { var message: String }
        if let decoded = try? JSONDecoder().decode(Message.self, from: body) { return decoded.message }
        return String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `value` as JSON.
    static func json(_ value: some Encodable) -> Data {
        // Encoding these plain value types cannot fail.
        (try? JSONEncoder().encode(value)) ?? Data()
    }

    /// `text` percent-encoded for a query value.
    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// `filters` as the engine's `filters` query parameter (JSON, percent-encoded).
    static func filterQuery(_ filters: [String: [String]]) -> String {
        let text = String(decoding: json(filters), as: UTF8.self)
        return "filters=" + percentEncoded(text)
    }
}
