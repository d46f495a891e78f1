import Foundation

/// Where the logs of a fleet's clients are, `<state>/logs/<instance>/<client>.log`, for the daemon's
/// `GET /v1/logs/{instance}` and for `urban-robot logs` when no daemon runs.
///
/// No request names a file: an instance must be one of the fleet's, and a client id one of that instance
/// (`shard-<instance>.<n>` or `unmanaged-<instance>.<n>`), so `../` and other names never reach the file system.
public struct ClientLogs: Sendable {
    /// The state folder, holding `logs/`.
    public let stateDirectory: String
    /// How many instances the fleet has.
    public let instances: Int

    /// The logs of a fleet of `instances` instances whose state folder is `stateDirectory`.
    public init(stateDirectory: String, instances: Int) {
        self.stateDirectory = stateDirectory
        self.instances = instances
    }

    /// Whether `client` is a client id of `instance`: `shard-<instance>.<n>` or `unmanaged-<instance>.<n>`.
    public static func isClient(_ client: String, of instance: Int) -> Bool {
        ["shard-\(instance).", "unmanaged-\(instance)."].contains { prefix in
            guard client.hasPrefix(prefix) else { return false }
            let launch = client.dropFirst(prefix.count)
            return !launch.isEmpty && launch.count <= 18 && launch.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }

    /// The log of `client` of `instance` (the file may not exist).
    ///
    /// - Throws: ``DaemonControlError`` `.notFound` for an instance outside the fleet, `.invalid` for a client that
    ///   is not one of the instance's.
    public func path(instance: Int, client: String) throws -> String {
        try validate(instance: instance)
        guard Self.isClient(client, of: instance) else {
            throw DaemonControlError(code: .invalid, message: "'\(client)' is not a client of instance \(instance); "
                + "client ids look like shard-\(instance).3 (see `urban-robot status`)")
        }
        return "\(folder(of: instance))/\(client).log"
    }

    /// The most recently written log of `instance`.
    ///
    /// - Throws: ``DaemonControlError`` `.notFound` for an instance outside the fleet or one without a log.
    public func newestPath(instance: Int) throws -> String {
        try validate(instance: instance)
        let folder = folder(of: instance)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let logs = names.filter { $0.hasSuffix(".log") && Self.isClient(String($0.dropLast(4)), of: instance) }
        let newest = logs.compactMap { name -> (String, Date)? in
            let path = "\(folder)/\(name)"
            guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
            return (path, date)
        }.max { $0.1 < $1.1 }
        guard let newest else {
            throw DaemonControlError(code: .notFound, message: "instance \(instance) has no log in \(folder)")
        }
        return newest.0
    }

    /// Writes the last `lines` lines of the log of `client` (default: the newest log) of `instance` to `write`,
    /// then, with `follow`, what is appended, until the task is cancelled.
    ///
    /// - Throws: ``DaemonControlError`` for a bad instance or client, or an unreadable log.
    public func read(instance: Int, client: String?, lines: Int, follow: Bool,
                     write: (_ bytes: [UInt8]) async throws -> Void) async throws {
        let path = try client.map { try self.path(instance: instance, client: $0) } ?? newestPath(instance: instance)
        let tail = try LogTail(path: path, lines: lines)
        try await write(tail.text)
        if follow { try await tail.follow(into: write) }
    }

    /// - Throws: ``DaemonControlError`` `.notFound` when `instance` is not one of the fleet's.
    public func validate(instance: Int) throws {
        guard (0..<instances).contains(instance) else {
            throw DaemonControlError(code: .notFound, message: "there is no instance \(instance); the fleet has \(instances)")
        }
    }

    private func folder(of instance: Int) -> String {
        "\(stateDirectory)/logs/\(instance)"
    }
}
