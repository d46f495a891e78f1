/// `body`'s result; the coding path of an `EncodingError.invalidValue` it throws prefixed with `key`, so the
/// error names the value's place in the whole document, as Foundation's encoder does. The key is made only then.
func placingInvalidValue<Result>(at key: @autoclosure () -> any CodingKey, _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch EncodingError.invalidValue(let value, let context) {
        throw EncodingError.invalidValue(
            value, .init(codingPath: [key()] + context.codingPath, debugDescription: context.debugDescription))
    }
}

/// An object member's key, as a coding key (for the coding path of errors).
struct AnswerMemberKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ key: String) { stringValue = key }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
