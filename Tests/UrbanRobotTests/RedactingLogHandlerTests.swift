@testable import FleetDaemon
import Logging
import Synchronization
import Testing

@Suite("RedactingLogHandler")
struct RedactingLogHandlerTests {
    /// Keeps what it is given.
    final class Collector: Sendable {
        let lines = Mutex<[String]>([])
    }

    struct CollectingHandler: LogHandler {
        let collector: Collector
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            collector.lines.withLock { $0.append("\(event.message) \(merged.sorted { $0.key < $1.key })") }
        }
    }

    @Test("the secret is replaced in messages, metadata (nested too), attached metadata and errors")
    func redactsEverywhere() throws {
        let secret = "TOKEN-abc.def"
        let collector = Collector()
        var logger = Logger(label: "test") { _ in CollectingHandler(collector: collector) }.redacting([secret])
        logger[metadataKey: "attached"] = "has \(secret)"
        logger.info("message \(secret)", metadata: [
            "plain": "\(secret)", "list": ["a", "\(secret)"], "nested": ["key": "x\(secret)y"],
        ])
        logger.error("failed", error: RedactionProbeError(text: "error with \(secret)"))
        let lines = collector.lines.withLock { $0 }
        #expect(lines.count == 2)
        for line in lines { #expect(!line.contains(secret), "\(line)") }
        #expect(lines[0].contains("<redacted>"))
        #expect(lines[1].contains("error with <redacted>"))
    }
}

extension RedactingLogHandlerTests {
    @Test("the byte search before the replace: text without the secret is left as it is, every other is replaced")
    func searchesBeforeReplacing() {
        let secret = "MTA.token-xyz"
        let handler = RedactingLogHandler(wrapping: SwiftLogNoOpLogHandler(), secrets: [secret, "", "tökén"])
        #expect(handler.redact("nothing to hide here") == "nothing to hide here")
        #expect(handler.redact("") == "")
        #expect(handler.redact("MTA.token-xy") == "MTA.token-xy", "a prefix is not the secret")
        #expect(handler.redact(secret) == "<redacted>")
        #expect(handler.redact("é \(secret)\(secret) ü") == "é <redacted><redacted> ü")
        #expect(handler.redact("at the end: \(secret)") == "at the end: <redacted>")
        #expect(handler.redact("a tökén") == "a <redacted>", "a secret that is not ASCII goes to the replace")
        #expect(!SecretText.mayHold("MTA-token", secret))
        #expect(SecretText.mayHold("x\(secret)", secret))
        #expect(SecretText.mayHold("anything", "tökén"))
    }
}

struct RedactionProbeError: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}
