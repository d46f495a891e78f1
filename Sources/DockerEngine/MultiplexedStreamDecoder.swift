/// Decodes the engine's multiplexed stream (container logs and attach without a TTY): frames of an 8-byte header
/// (stream type 0 stdin, 1 stdout, 2 stderr; three zero bytes; the payload's length, big-endian UInt32) and the
/// payload. Feed it bytes as they arrive, in pieces of any size; it returns each frame once it is complete.
public struct MultiplexedStreamDecoder: Sendable {
    /// One frame.
    public struct Frame: Sendable, Equatable {
        /// Which stream of the container.
        public enum Stream: UInt8, Sendable {
            case stdin = 0, stdout = 1, stderr = 2
        }

        /// Which stream.
        public var stream: Stream
        /// The bytes.
        public var payload: [UInt8]

        /// Creates a frame.
        public init(stream: Stream, payload: [UInt8]) {
            self.stream = stream
            self.payload = payload
        }
    }

    /// A header whose stream byte is not 0, 1 or 2: the bytes are not a multiplexed stream (a TTY container's
    /// logs are raw).
    public struct InvalidHeader: Error, Equatable {
        /// The header's first byte.
        public var streamByte: UInt8
    }

    private var pending: [UInt8] = []

    /// Creates a decoder.
    public init() {}

    /// Adds `bytes` and returns the frames completed by them.
    /// - Throws: ``InvalidHeader`` when a header is not one of a multiplexed stream.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(InvalidHeader) -> [Frame] {
        pending.append(contentsOf: bytes)
        var frames: [Frame] = []
        var start = 0
        while pending.count - start >= 8 {
            guard let stream = Frame.Stream(rawValue: pending[start]) else { throw InvalidHeader(streamByte: pending[start]) }
            let length = pending[(start + 4)..<(start + 8)].reduce(0) { $0 << 8 | Int($1) }
            guard pending.count - start - 8 >= length else { break }
            frames.append(Frame(stream: stream, payload: Array(pending[(start + 8)..<(start + 8 + length)])))
            start += 8 + length
        }
        pending.removeFirst(start)
        return frames
    }

    /// True when no partial frame is held back.
    public var isEmpty: Bool { pending.isEmpty }
}
