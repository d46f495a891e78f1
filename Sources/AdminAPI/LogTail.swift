import Foundation
import ServiceLifecycle
import Synchronization

/// The end of a client's log file, and `tail -f` on it: polls the file's size every `interval`
/// and sends what was appended; starts over when the file shrinks (truncated or replaced).
package struct LogTail: Sendable {
    /// The file.
    package let path: String
    /// The last lines asked for, as read.
    package let text: [UInt8]
    /// The file's size when ``text`` was read: where following starts.
    package let offset: UInt64
    /// How often following looks at the file.
    package let interval: Duration

    /// The most bytes read back to find the last lines.
    package static let window = 4 << 20

    /// Reads the last `lines` lines of `path`.
    package init(path: String, lines: Int, interval: Duration = .milliseconds(200)) throws {
        self.path = path
        self.interval = interval
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw DaemonControlError(code: .notFound, message: "cannot read the log file \(path): \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let start = size > UInt64(Self.window) ? size - UInt64(Self.window) : 0
        try handle.seek(toOffset: start)
        let data = try handle.read(upToCount: Int(size - start)) ?? Data()
        self.text = Self.lastLines(Array(data), count: lines)
        self.offset = start + UInt64(data.count)
    }

    /// The last `count` lines of `bytes` (a final line without a newline counts as a line).
    package static func lastLines(_ bytes: [UInt8], count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var end = bytes.count
        if end > 0, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        var seen = 0
        var index = end
        while index > 0 {
            index -= 1
            if bytes[index] == UInt8(ascii: "\n") {
                seen += 1
                if seen == count { return Array(bytes[(index + 1)...]) }
            }
        }
        return bytes
    }

    /// Sends what is appended to the file until `write` throws (the client left), the task is cancelled or
    /// graceful shutdown.
    package func follow(into write: (_ bytes: [UInt8]) async throws -> Void) async throws {
        let stopping = StopFlag()
        var position = offset
        try await withGracefulShutdownHandler {
            while !stopping.isSet {
                try await Task.sleep(for: interval)
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                      let size = (attributes[.size] as? NSNumber)?.uint64Value else { continue }
                if size < position { position = 0 }
                guard size > position, let handle = FileHandle(forReadingAtPath: path) else { continue }
                defer { try? handle.close() }
                try handle.seek(toOffset: position)
                let data = try handle.read(upToCount: Int(size - position)) ?? Data()
                position += UInt64(data.count)
                try await write(Array(data))
            }
        } onGracefulShutdown: {
            stopping.set()
        }
    }
}

/// A flag a graceful shutdown handler sets and a polling loop reads.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() { flag.store(true, ordering: .releasing) }
}
