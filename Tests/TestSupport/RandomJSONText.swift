/// Random strings for tests of JSON writers: drawn from characters that a JSON string writes as they are and
/// from those it must escape (quote, backslash, slash, control characters), with multi-byte UTF-8 among them.
public enum RandomJSONText {
    private static let alphabet: [Character] = Array("abcXYZ09 _-./\\\"\t\n\r\u{0}\u{1}\u{1F}\u{7F}é✓🚀{}[]:,")

    /// A string of `0...maxLength` characters.
    public static func string(maxLength: Int, using generator: inout some RandomNumberGenerator) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
