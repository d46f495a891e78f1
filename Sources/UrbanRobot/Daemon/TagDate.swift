import Deployer
import Foundation
import Synchronization

/// The clock of the release store's good tags: the store names a tag from its clock, the engine chose the name
/// from its own; before each tag the daemon pins this clock to the time in the engine's name, so the tag gets
/// exactly that name (unless it exists already, when the store bumps it by a second).
final class TagDate: Sendable {
    private let pinnedDate = Mutex<Date?>(nil)

    /// The pinned date, else now.
    var now: Date { pinnedDate.withLock { $0 } ?? Date() }

    /// Runs `body` with the clock pinned to the time in `tag` (`<prefix>yyyyMMdd'T'HHmmss'Z'`).
    func pinned<T>(to tag: String, prefix: String, _ body: () async throws -> T) async rethrows -> T {
        let date = Self.date(in: tag, prefix: prefix)
        pinnedDate.withLock { $0 = date }
        defer { pinnedDate.withLock { $0 = nil } }
        return try await body()
    }

    /// The time of a good tag name, or nil when it is not one.
    static func date(in tag: String, prefix: String) -> Date? {
        guard tag.hasPrefix(prefix) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: String(tag.dropFirst(prefix.count)))
    }
}
