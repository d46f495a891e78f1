import AsyncHTTPClient
import NIOCore

/// The bytes of a log answer as they arrive, in chunks.
public struct LogChunkSequence: AsyncSequence, Sendable {
    /// A chunk of the log.
    public typealias Element = [UInt8]

    let body: HTTPClientResponse.Body

    /// Reads the body.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: HTTPClientResponse.Body.AsyncIterator

        /// The next chunk, or nil at the end of the body.
        public mutating func next() async throws -> [UInt8]? {
            try await source.next().map { Array($0.readableBytesView) }
        }
    }

    /// Starts reading the body.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: body.makeAsyncIterator())
    }
}
