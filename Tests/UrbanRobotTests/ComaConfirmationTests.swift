@testable import FleetDaemon
import Testing

/// When a socket's client counts as idle: it confirmed the `coma` it was last told, and nothing else makes it so.
@Suite struct ComaConfirmationTests {
    enum Step: CaseIterable {
        case coma, processCommands, confirmation
    }

    private func idle(after steps: [Step]) -> Bool {
        var word = ComaConfirmation()
        for step in steps {
            switch step {
            case .coma: word.commanded(processing: false)
            case .processCommands: word.commanded(processing: true)
            case .confirmation: word.confirmed()
            }
        }
        return word.isIdle
    }

    @Test("the cases by name")
    func named() {
        #expect(!idle(after: []), "a fresh socket")
        #expect(!idle(after: [.coma]), "told coma, not confirmed yet")
        #expect(idle(after: [.coma, .confirmation]))
        #expect(!idle(after: [.confirmation]), "a coma event nobody asked for")
        #expect(!idle(after: [.coma, .processCommands, .confirmation]), "a late confirmation of an older coma")
        #expect(!idle(after: [.coma, .confirmation, .processCommands]), "brought back")
        #expect(idle(after: [.coma, .confirmation, .processCommands, .coma, .confirmation]))
    }

    @Test("every sequence of up to six steps: idle exactly when a confirmation came after the last command, and that command was coma")
    func exhaustive() {
        var length: [[Step]] = [[]]
        var sequences = length
        for _ in 0..<6 {
            length = length.flatMap { steps in Step.allCases.map { steps + [$0] } }
            sequences += length
        }
        #expect(sequences.count == 1093)
        for steps in sequences {
            let lastCommand = steps.lastIndex { $0 != .confirmation }
            let confirmedAfter = lastCommand.map { steps[($0 + 1)...].contains(.confirmation) } ?? false
            let expected = lastCommand.map { steps[$0] == .coma } == true && confirmedAfter
            #expect(idle(after: steps) == expected, "\(steps)")
        }
    }
}
