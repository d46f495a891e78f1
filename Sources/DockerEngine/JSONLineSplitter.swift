/// Splits the engine's streamed JSON (events, build and push progress: one JSON object per line) into lines, as
/// bytes arrive in pieces of any size. Blank lines are skipped.
public struct JSONLineSplitter: Sendable {
    private var pending: [UInt8] = []

    /// Creates a splitter.
    public init() {}

    /// Adds `bytes` and returns the complete lines (without their newline).
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        pending.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[start..<newline]
            if line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) { lines.append(Array(line)) }
            start = newline + 1
        }
        pending.removeFirst(start)
        return lines
    }

    /// The rest after the stream ended: a last line without a newline, if any.
    public mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        return pending.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) ? pending : nil
    }
}
