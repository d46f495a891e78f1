import Foundation

/// The real answers of Docker 20.10.24 (Engine API 1.41) in `Recorded/`, taken from the private engine of
/// `Scripts/docker-engine` with curl: a service `rec-shard-0-1` whose container printed `out`, `err` (on stderr)
/// and its secret's content `secret`, then exited with code 3.
enum Recorded {
    static func data(_ name: String) throws -> Data {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Recorded")
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }
}
