public import AdminAPI
import AsyncHTTPClient
import Foundation
import NIOCore

/// The progress events of an NDJSON answer body, decoded line by line as they arrive.
public struct ProgressEventSequence: AsyncSequence, Sendable {
    /// One event per line.
    public typealias Element = ProgressEvent

    let body: HTTPClientResponse.Body

    /// Reads the body, splitting it at newlines.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: HTTPClientResponse.Body.AsyncIterator
        var pending: [UInt8] = []
        var ended = false

        /// The next event, or nil at the end of the body.
        public mutating func next() async throws -> ProgressEvent? {
            while true {
                if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if line.isEmpty { continue }
                    return try AdminClient.decode(ProgressEvent.self, from: Data(line))
                }
                if ended {
                    guard !pending.isEmpty else { return nil }
                    defer { pending = [] }
                    return try AdminClient.decode(ProgressEvent.self, from: Data(pending))
                }
                if let buffer = try await source.next() {
                    pending.append(contentsOf: buffer.readableBytesView)
                } else {
                    ended = true
                }
            }
        }
    }

    /// Starts reading the body.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: body.makeAsyncIterator())
    }
}
