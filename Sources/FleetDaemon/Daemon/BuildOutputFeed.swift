import Foundation
import Synchronization

/// A release's build output as it comes: follows the build log (`<state>/logs/build/<sha>.log`, which the engine's
/// image build and a local `bot.build` both write) while the build runs, and hands its new lines, through a
/// ``BuildLineThrottle``, to `publish` (the deployment's followers: `deploy`, the push hook). The log is read every
/// `interval` from where it ended when the build started, and once more after the build, so no line is lost.
///
/// ```swift
/// let feed = BuildOutputFeed(logPath: buildLog) { line in hub.publishLive(event(line)) }
/// try await feed.following { try await launcher.prepareRelease(request) }
/// ```
final class BuildOutputFeed: Sendable {
    private struct State {
        var offset: UInt64
        var partial: [UInt8] = []
        var throttle: BuildLineThrottle
    }

    private let logPath: String
    private let interval: Duration
    private let publish: @Sendable (String) -> Void
    private let state: Mutex<State>

    /// A feed of the lines appended to `logPath` from now on.
    init(logPath: String, interval: Duration = .milliseconds(250), publish: @escaping @Sendable (String) -> Void) {
        self.logPath = logPath
        self.interval = interval
        self.publish = publish
        let size = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? NSNumber)?.uint64Value ?? 0
        state = Mutex(State(offset: size, throttle: BuildLineThrottle(logPath: logPath)))
    }

    /// Runs `build`, publishing the log's new lines meanwhile and the last ones after it.
    func following<T>(_ build: () async throws -> T) async throws -> T {
        let result = await withTaskGroup(of: Void.self) { group -> Result<T, any Error> in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.interval)
                    self.readNewLines(final: false)
                }
            }
            defer { group.cancelAll() }
            do {
                return .success(try await build())
            } catch {
                return .failure(error)
            }
        }
        readNewLines(final: true)
        return try result.get()
    }

    /// Publishes the complete lines appended since the last read (with `final`, the unfinished last line too and
    /// the count of the lines the throttle left out).
    private func readNewLines(final: Bool) {
        let lines = state.withLock { state -> [String] in
            var bytes = state.partial + read(from: &state.offset)
            var lines: [String] = []
            while let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                lines += state.throttle.admit(String(decoding: bytes[..<newline], as: UTF8.self), at: .now)
                bytes.removeSubrange(...newline)
            }
            state.partial = bytes
            if final {
                if !bytes.isEmpty { lines += state.throttle.admit(String(decoding: bytes, as: UTF8.self), at: .now) }
                state.partial = []
                lines += state.throttle.finish()
            }
            return lines
        }
        for line in lines { publish(line) }
    }

    /// What the log holds past `offset` (from its start when it shrank: rotated), moving `offset` to its end.
    private func read(from offset: inout UInt64) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return [] }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return [] }
        if size < offset { offset = 0 }
        guard size > offset, (try? handle.seek(toOffset: offset)) != nil,
              let data = try? handle.read(upToCount: Int(size - offset)) else { return [] }
        offset += UInt64(data.count)
        return Array(data)
    }
}
