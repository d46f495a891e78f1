import Foundation

/// `urban-robot status --watch`: the status table again and again until interrupted, like `kubectl get -w` and
/// Argo's `get -w`. On a terminal each table replaces the previous one (the screen is cleared and redrawn);
/// otherwise each is printed after the previous, under a line with its time.
public struct StatusWatcher: Sendable {
    /// How long between two tables.
    public static let defaultInterval: Duration = .seconds(2)

    private let client: AdminClient
    private let terminal: Bool
    private let interval: Duration
    private let wide: Bool
    private let write: @Sendable (String) -> Void

    /// A watcher asking `client` every `interval`, writing to `write` the table (the wide one when `wide`),
    /// redrawing when `terminal`.
    public init(client: AdminClient, terminal: Bool, interval: Duration = defaultInterval, wide: Bool = false,
                write: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.terminal = terminal
        self.interval = interval
        self.wide = wide
        self.write = write
    }

    /// Shows the status every interval until the task is cancelled, or `count` times when given.
    ///
    /// - Throws: ``AdminClientError`` when the daemon cannot be asked.
    public func run(count: Int? = nil) async throws {
        var shown = 0
        while count.map({ shown < $0 }) ?? true {
            if shown > 0 { try await Task.sleep(for: interval) }
            let now = Date()
            let table = StatusTable.render(try await client.status(), now: now, wide: wide)
            if terminal {
                write("\u{1B}[H\u{1B}[2J" + "every \(interval.components.seconds)s · \(Self.clock(now)) · ctrl-c to stop\n\n" + table + "\n")
            } else {
                write((shown > 0 ? "\n" : "") + "--- \(Self.clock(now))\n" + table + "\n")
            }
            shown += 1
        }
    }

    /// `06:03:00Z`.
    private static func clock(_ date: Date) -> String {
        date.formatted(.iso8601.time(includingFractionalSeconds: false)) + "Z"
    }
}
