import FleetTypes
import Foundation
import Testing
import TestSupport

/// A JSON array of strings is Foundation's `JSONEncoder` text, byte for byte, and reads back as the same strings.
@Suite struct JSONStringTextTests {
    @Test func arraysAsFoundationWritesThem() throws {
        var generator = SystemRandomNumberGenerator()
        func randomString() -> String { RandomJSONText.string(maxLength: 12, using: &generator) }
        var arrays: [[String]] = [[], [""], ["python3", "bot.py"], ["sh", "-c", "echo \"a/b\" \\ \u{0}\n"]]
        for _ in 0..<300 { arrays.append((0..<Int.random(in: 0...5, using: &generator)).map { _ in randomString() }) }
        for strings in arrays {
            let text = JSONStringText.array(strings)
            #expect(text == String(decoding: try JSONEncoder().encode(strings), as: UTF8.self), "\(strings)")
            #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == strings)
        }
    }
}
