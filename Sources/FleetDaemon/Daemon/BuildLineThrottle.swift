import AdminAPI

/// Which lines of a build's output reach the deployment's followers: each line as it is, up to `burst` lines at
/// once, then at most `perSecond` (a chatty `pip install` does not flood a push), with a line counting those left
/// out. Blank lines and the build log's own lines (`# <timestamp> ...`: its header, a rotation) are not lines of
/// the build; a long line is cut at `maxLength` characters, and control characters (colours, cursor moves) are
/// replaced (``TerminalText``).
///
/// ```swift
/// var throttle = BuildLineThrottle(logPath: "/var/lib/urban-robot/logs/build/<sha>.log")
/// for line in throttle.admit("Step 1/4 : FROM urban-robot-base:bookworm", at: .now) { publish(line) }
/// for line in throttle.finish() { publish(line) }
/// ```
struct BuildLineThrottle: Sendable {
    /// The build log named in the line counting the lines left out.
    let logPath: String
    /// How many lines may pass at once.
    var burst = 40
    /// How many lines may pass per second after a burst.
    var perSecond = 5.0
    /// The longest line passed whole.
    var maxLength = 200

    private var allowance: Double?
    private var lastAdmission: ContinuousClock.Instant?
    private var leftOut = 0

    /// A throttle of the lines of the build logged at `logPath`.
    init(logPath: String) {
        self.logPath = logPath
    }

    /// The lines to pass for `line`, seen at `now`: none, the line, or the count of those left out and the line.
    mutating func admit(_ line: String, at now: ContinuousClock.Instant) -> [String] {
        // A progress bar redraws its line after each carriage return: its last state is the line.
        let shown = line.split(separator: "\r").last { !$0.allSatisfy(\.isWhitespace) } ?? ""
        let line = String(shown.reversed().drop(while: \.isWhitespace).reversed())
        guard !line.isEmpty, !Self.isLogOwn(line) else { return [] }
        var allowance = self.allowance ?? Double(burst)
        if let lastAdmission {
            let elapsed = now - lastAdmission
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            allowance = min(Double(burst), allowance + seconds * perSecond)
        }
        lastAdmission = now
        guard allowance >= 1 else {
            self.allowance = allowance
            leftOut += 1
            return []
        }
        self.allowance = allowance - 1
        let cut = line.count > maxLength ? String(line.prefix(maxLength)) + "…" : line
        return leftOutLine() + [TerminalText.sanitized(cut)]
    }

    /// The count of the lines left out since the last one passed, if any (at the build's end).
    mutating func finish() -> [String] {
        leftOutLine()
    }

    private mutating func leftOutLine() -> [String] {
        guard leftOut > 0 else { return [] }
        defer { leftOut = 0 }
        return ["(\(leftOut) line\(leftOut == 1 ? "" : "s") not shown; the whole output is in \(logPath))"]
    }

    /// `# 2026-12-04T15:35:36.123Z launch build ...`: a line the log file writes itself.
    private static func isLogOwn(_ line: String) -> Bool {
        line.hasPrefix("# ") && line.dropFirst(2).first?.isNumber == true
    }
}
