import AsyncHTTPClient
import NIOSSL
import Synchronization

/// The TLS files of a Docker engine reached over TCP: the CA that signed the engine's certificate, and the
/// client's certificate and key (PEM), as `dockerd --tlsverify` requires them.
public struct DockerTLSFiles: Hashable, Sendable {
    /// The CA file.
    public var caFile: String
    /// The client certificate file.
    public var certificateFile: String
    /// The client key file.
    public var keyFile: String

    /// Creates the set of files.
    public init(caFile: String, certificateFile: String, keyFile: String) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The HTTP client presenting these files: one per set, for the life of the process (an `HTTPClient` must be
    /// shut down before it is released, and an engine's client is kept as long as the daemon runs).
    static func client(for files: DockerTLSFiles) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[files] { return client }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(files.caFile)
            // Read now; a pair that cannot be read is not presented, and the engine, which requires one, refuses
            // the first call (the configuration already checked that the files exist).
            if let chain = try? NIOSSLCertificate.fromPEMFile(files.certificateFile),
               let key = try? NIOSSLPrivateKey(file: files.keyFile, format: .pem) {
                tls.certificateChain = chain.map { .certificate($0) }
                tls.privateKey = .privateKey(key)
            }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: DockerEngineClient.configuration(tls: tls))
            clients[files] = client
            return client
        }
    }

    private static let clients = Mutex<[DockerTLSFiles: HTTPClient]>([:])
}
