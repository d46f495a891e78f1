import Testing

@testable import SocketIO

/// The ids of sessions and sockets (`SocketIOServer.makeID`): 20 characters of URL-safe base64, every character
/// drawn at random.
@Suite struct SessionIDTests {
    static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test func anIDIsTwentyCharactersOfURLSafeBase64() {
        for _ in 0..<200 {
            let id = SocketIOServer.makeID()
            #expect(id.count == 20)
            #expect(id.allSatisfy { Self.alphabet.contains($0) }, "\(id)")
        }
    }

    /// Every position takes every value over 3,000 ids (a position fed by bits that never change, or by the
    /// same bits as another position, would fail), and no id comes twice.
    @Test func everyPositionIsRandom() {
        let ids = (0..<3_000).map { _ in Array(SocketIOServer.makeID()) }
        #expect(Set(ids.map { String($0) }).count == ids.count)
        for position in 0..<20 {
            let seen = Set(ids.map { $0[position] })
            // 3,000 draws from 64 values miss one with a probability of about 64 × e^-47: all 64 appear.
            #expect(seen.count == 64, "position \(position) took \(seen.count) values")
            // Independent positions agree about 1 time in 64 (47 of 3,000); copies of the same bits always would.
            for other in [position + 1, position + 10] where other < 20 {
                let agreeing = ids.filter { $0[position] == $0[other] }.count
                #expect(agreeing < 150, "positions \(position) and \(other) agree in \(agreeing) ids")
            }
        }
    }
}
