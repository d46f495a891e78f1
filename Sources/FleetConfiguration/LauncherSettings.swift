/// `[launcher]`: what runs the bot clients.
public struct LauncherSettings: Sendable, Equatable {
    /// `kind`: `local` (processes on this machine, the default) or `swarm` (Docker Swarm services, see `[swarm]`).
    public var kind = LauncherKind.local
}

/// The launchers `[launcher] kind` may name.
public enum LauncherKind: String, Sendable, Equatable, CaseIterable {
    /// Processes on this machine.
    case local
    /// One Docker Swarm service per client, one image per revision.
    case swarm
}

/// `[swarm]`: the Docker engine and the services of `[launcher] kind = "swarm"`.
public struct SwarmSettings: Sendable, Equatable {
    /// `endpoint`: the engine's Unix socket path, or `tcp://HOST:PORT` (then with the three TLS files).
    public var endpoint = "/var/run/docker.sock"
    /// `tls_ca_file`, `tls_cert_file`, `tls_key_file`: the CA and client certificate of a `tcp://` endpoint.
    public var tls = SwarmTLSFiles()
    /// `repository`: the image repository; a revision's image is `repository:<full sha>`.
    public var repository = "urban-robot/bot"
    /// `registry`: a registry the images are pushed to (`HOST:PORT`; needed with more than one node); empty: none.
    public var registry = ""
    /// `base_image`: the image a generated Dockerfile starts from (a repository without a `Dockerfile`).
    public var baseImage = "urban-robot-base:bookworm"
    /// `constraints`: placement constraints, e.g. `["node.role == worker"]`.
    public var constraints: [String] = []
    /// `spread`: the spread preference (instances spread over the values of this node attribute); empty: none.
    public var spread = "node.id"
    /// `limit_cpus`: CPUs a client may use (e.g. 0.5); 0: no limit.
    public var limitCPUs = 0.0
    /// `limit_memory`: bytes of memory a client may use (written "512M", "2G"); 0: no limit.
    public var limitMemory = 0
    /// `labels`: extra labels of every service.
    public var labels: [String: String] = [:]
}

/// The TLS files of a `tcp://` Docker endpoint; all empty for a Unix socket.
public struct SwarmTLSFiles: Sendable, Equatable {
    /// `tls_ca_file`: the CA that signed the engine's certificate.
    public var caFile = ""
    /// `tls_cert_file`: the client certificate (PEM).
    public var certificateFile = ""
    /// `tls_key_file`: its private key (PEM).
    public var keyFile = ""
}
