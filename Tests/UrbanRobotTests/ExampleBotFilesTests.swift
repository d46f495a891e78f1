@testable import FleetDemo
import Foundation
import Testing

@Suite("Example bot embedded in the binary")
struct ExampleBotFilesTests {
    @Test("the embedded files are Deploy/bot's (else run Scripts/embed-example-bot)")
    func embeddedFilesMatchDeploy() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Deploy/bot")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".py") }.sorted()
        #expect(ExampleBotFiles.files.map(\.name) == onDisk)
        for (name, content) in ExampleBotFiles.files {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(content + "\n" == text, "\(name) differs from its embedded copy")
        }
    }
}
