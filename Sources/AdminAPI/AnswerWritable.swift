/// An answer of the admin API that writes its own JSON text: the bytes of ``StatusSnapshot/encoder`` (Foundation's
/// `JSONEncoder`, sorted keys, ISO 8601 dates) without `Encodable`'s machinery, for a document asked for often and
/// large (the status of hundreds of clients). Its `Codable` form stays the reference.
///
/// ```swift
/// let bytes = try await control.status().answerText()   // [UInt8], the JSON document
/// ```
public protocol AnswerWritable {
    /// Appends the value's JSON text to `text`.
    /// - Throws: `EncodingError.invalidValue` for a number that JSON cannot hold (NaN, infinity) or a binary
    ///   value, with its place in the document, as Foundation's encoder refuses them.
    func writeAnswer(to text: inout [UInt8]) throws
}

extension AnswerWritable {
    /// The value's JSON text.
    /// - Throws: as ``writeAnswer(to:)``.
    public func answerText() throws -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(4096)
        try writeAnswer(to: &text)
        return text
    }
}
