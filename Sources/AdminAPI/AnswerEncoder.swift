import Foundation

/// Encodes the admin API's answers as JSON: the same document as a Foundation `JSONEncoder` with sorted keys and
/// ISO 8601 dates (`StatusSnapshot.encoder`), byte for byte, in about half the time
/// (`Benchmarks/AnswerEncoding`: 7.8 against 14.1 ms for a status of 600 clients, release build).
///
/// At 200 instances a status answer holds some 600 clients, and Foundation's encoder took 14 to 27 ms of
/// the daemon's CPU for each, which a status poller asking several times a second paid again and again during a
/// rollout. This one builds a light tree of the values (``AnswerNode``) and writes it once. The status itself is now
/// written by its direct writer (``AnswerWritable``), faster still; this one encodes the other answers (history,
/// events, a deployment, the operator commands' `{}`).
///
/// ```swift
/// let bytes = try AnswerEncoder().encode(try await control.history(limit: 20))   // [UInt8], the JSON document
/// ```
public struct AnswerEncoder: Sendable {
    /// Makes an encoder.
    public init() {}

    /// The JSON text of `value`.
    /// - Throws: `EncodingError.invalidValue` for a number that JSON cannot hold (NaN, infinity), or a value that
    ///   encoded nothing.
    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        guard let node = try AnswerNode.of(value, in: nil, key: nil) else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "the value encoded nothing"))
        }
        var text: [UInt8] = []
        text.reserveCapacity(4096)
        node.write(to: &text)
        return text
    }
}
