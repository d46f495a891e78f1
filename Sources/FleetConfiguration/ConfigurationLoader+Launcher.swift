/// The `[launcher]` and `[swarm]` tables.
extension ConfigurationLoader {
    static func readLauncher(_ table: TOMLSectionReader) throws(ConfigurationError) -> LauncherSettings {
        var table = table
        var launcher = LauncherSettings()
        if let text = try table.string("kind") {
            guard let kind = LauncherKind(rawValue: text) else {
                let kinds = LauncherKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
                throw table.error(.invalidValue, key: "kind", "must be \(kinds), not '\(text)'")
            }
            launcher.kind = kind
        }
        try table.rejectUnknownKeys()
        return launcher
    }

    static func readSwarm(_ table: TOMLSectionReader) throws(ConfigurationError) -> SwarmSettings {
        var table = table
        var swarm = SwarmSettings()
        swarm.endpoint = try table.string("endpoint") ?? swarm.endpoint
        swarm.tls.caFile = try table.string("tls_ca_file") ?? swarm.tls.caFile
        swarm.tls.certificateFile = try table.string("tls_cert_file") ?? swarm.tls.certificateFile
        swarm.tls.keyFile = try table.string("tls_key_file") ?? swarm.tls.keyFile
        swarm.repository = try table.string("repository") ?? swarm.repository
        swarm.registry = try table.string("registry") ?? swarm.registry
        swarm.baseImage = try table.string("base_image") ?? swarm.baseImage
        swarm.constraints = try table.stringArray("constraints") ?? swarm.constraints
        swarm.spread = try table.string("spread") ?? swarm.spread
        swarm.limitCPUs = try table.number("limit_cpus", in: 0...1_024) ?? swarm.limitCPUs
        if let text = try table.string("limit_memory") {
            guard let bytes = ByteSizeText.parse(text) else {
                throw table.error(.invalidValue, key: "limit_memory", #"must be a size such as "512M" or "2G", or "0" for no limit, not '\#(text)'"#)
            }
            swarm.limitMemory = bytes
        }
        swarm.labels = try table.stringTable("labels") ?? swarm.labels
        try table.rejectUnknownKeys()
        try validateEndpoint(swarm, table)
        if !isRepositoryName(swarm.repository) {
            throw table.error(.invalidValue, key: "repository", "must be an image repository name of lower-case letters, digits and "
                + "'._-/' such as \"mybot\" or \"team/mybot\" (the tag is the revision), not '\(swarm.repository)'")
        }
        if swarm.baseImage.isEmpty {
            throw table.error(.invalidValue, key: "base_image", "must name an image, e.g. \"urban-robot-base:bookworm\"")
        }
        for constraint in swarm.constraints where !(constraint.contains("==") || constraint.contains("!=")) {
            throw table.error(.invalidValue, key: "constraints", "'\(constraint)' is not a placement constraint; write "
                + "\"ATTRIBUTE == VALUE\" or \"ATTRIBUTE != VALUE\", e.g. \"node.role == worker\"")
        }
        if let reserved = swarm.labels.keys.sorted().first(where: { $0.hasPrefix("urban-robot.") }) {
            throw table.error(.invalidValue, key: "labels.\(reserved)", "is reserved: urban-robot sets the urban-robot.* labels itself")
        }
        return swarm
    }

    /// A Unix socket path, or `tcp://HOST:PORT` with its three TLS files (the engine's API gives root on its nodes:
    /// it is never reached over TCP without a client certificate).
    private static func validateEndpoint(_ swarm: SwarmSettings, _ table: TOMLSectionReader) throws(ConfigurationError) {
        if swarm.endpoint.hasPrefix("tcp://") {
            let hostPort = swarm.endpoint.dropFirst("tcp://".count)
            guard ListenAddress(parsing: String(hostPort)).map({ $0.port > 0 }) == true else {
                throw table.error(.invalidValue, key: "endpoint", "must be \"tcp://HOST:PORT\" or a socket path, not '\(swarm.endpoint)'")
            }
            for (key, path) in [("tls_ca_file", swarm.tls.caFile), ("tls_cert_file", swarm.tls.certificateFile),
                                ("tls_key_file", swarm.tls.keyFile)] where path.isEmpty {
                throw table.error(.missingValue, key: key, "is required with a tcp:// endpoint: the engine is reached over TLS "
                    + "with a client certificate only")
            }
        } else if !swarm.endpoint.hasPrefix("/") {
            throw table.error(.invalidValue, key: "endpoint", "must be the engine's Unix socket path (\"/var/run/docker.sock\") "
                + "or \"tcp://HOST:PORT\", not '\(swarm.endpoint)'")
        }
    }

    private static func isRepositoryName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-/")
        return !name.isEmpty && name.allSatisfy(allowed.contains) && !name.hasPrefix("/") && !name.hasSuffix("/")
            && !name.contains("//")
    }
}
