@testable import Deployer
import Testing

/// The audit trail's text of a command is what Swift's default description of it was (the trail written before
/// reads the same), for every command and reasons that need escaping.
@Suite struct ClientCommandAuditTextTests {
    @Test(arguments: ["handover", "", "quote \" backslash \\ tab \t newline \n", "naïve ✓ 🚀", "\u{0}\u{7F}"])
    func everyCommandAsItsDefaultDescription(reason: String) {
        let commands: [ClientCommand] = [
            .ok, .healthCheck, .processCommands(reason: reason, epoch: 0), .processCommands(reason: reason, epoch: -3),
            .coma(reason: reason, epoch: 42), .shutdown(reason: reason),
        ]
        for command in commands {
            #expect(command.auditText == "\(command)")
        }
    }
}
