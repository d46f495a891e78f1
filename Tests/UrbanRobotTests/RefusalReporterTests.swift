import Deployer
@testable import FleetDaemon
import FleetTypes
import Testing

@Suite("Refusal reports")
struct RefusalReporterTests {
    @Test("a claimed client id cannot put escape sequences or a flood of text into the log or the audit trail")
    func printable() {
        let hostile = "shard-0.1\u{1B}[2J\u{202E}" + String(repeating: "x", count: 1000)
        let refusal = ConnectionRefusal(
            cause: .credentials, client: ClientID(rawValue: hostile), peer: "127.0.0.1:5000\n",
            why: "unknown client id or wrong key for \(hostile) in the CONNECT auth")
        let printable = RefusalReporter.printable(refusal)
        for text in [printable.why, printable.peer, printable.client?.rawValue ?? ""] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E }, "\(text)")
            #expect(text.count <= RefusalReporter.textLimit + 3)
        }
        #expect(printable.client?.rawValue.hasPrefix("shard-0.1?[2J?") == true)
        #expect(printable.peer == "127.0.0.1:5000?")
        #expect(RefusalReporter.printable(ConnectionRefusal(cause: .shedding, client: nil, peer: "127.0.0.1",
                                                            why: "session limit reached")).why == "session limit reached")
    }
}
