import FleetConfiguration
import Foundation
import Testing

/// The README's configuration reference and the `init` template name the same keys: a key the loader gained is
/// documented for the user and shown by `init`, or this fails.
@Suite("ConfigurationLoader: the README's reference and the template")
struct ConfigurationLoaderReferenceTests {
    @Test("every key of the template is in the README's configuration reference, and every key there in the template")
    func referenceAndTemplateNameTheSameKeys() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let documented = Self.referenceKeys(readme)
        let templated = Self.templateKeys(ConfigurationTemplate.render())
        #expect(documented.count > 60, "the reference table was not found in the README")
        #expect(templated.subtracting(documented).isEmpty, "in the template, not in the README's reference")
        // bot.token_file excludes bot.token_env: the template names it in token_env's comment.
        #expect(documented.subtracting(templated) == ["bot.token_file"], "in the README's reference, not in the template")
    }

    /// `section.key` of each `key = value` line under `[section]`.
    static func templateKeys(_ text: String) -> Set<String> {
        var section = ""
        var keys: Set<String> = []
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("[") {
                section = String(line.dropFirst().prefix { $0 != "]" })
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                keys.insert("\(section).\(line[..<equals].trimmingCharacters(in: .whitespaces))")
            }
        }
        return keys
    }

    /// The keys in the first column of the README's "Configuration reference" table: `` `rollout.crash_loop` /
    /// `crash_window` `` names two keys of `[rollout]`.
    static func referenceKeys(_ readme: String) -> Set<String> {
        guard let start = readme.range(of: "## Configuration reference") else { return [] }
        let section = readme[start.upperBound...]
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        var keys: Set<String> = []
        for line in section[..<end].split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.dropFirst(2).prefix { $0 != "|" }
            let names = cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            guard let first = names.first, let dot = first.firstIndex(of: ".") else { continue }
            let table = first[..<dot]
            for name in names {
                keys.insert(name.contains(".") ? name : "\(table).\(name)")
            }
        }
        return keys
    }
}
