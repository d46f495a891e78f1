import FleetTypes
import Foundation
import TestSupport
import Testing

@testable import SocketIO

/// A seeded random-mutation fuzzer for the decoders (Engine.IO packets and payloads, Socket.IO packets with their
/// attachments, JSON): the corpus of valid packets in `FuzzCorpus/` is mutated (bit flips, inserted protocol
/// bytes, deletions, duplications, splices, truncations) and every result is decoded; a decoder must never trap
/// and may only throw ``ProtocolError``.
///
/// A few seconds by default; `SOCKETIO_FUZZ_SECONDS=600` runs longer, `SOCKETIO_FUZZ_SEED=N` replays a run (the
/// seed is printed when a run finds a problem).
@Suite struct DecoderFuzzTests {
    static let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    /// Bytes that mean something to the decoders.
    static let interesting: [UInt8] = Array("0123456789[]{}\",:-/_\\bu.eE+ \u{1E}".utf8) + [0, 0x7F, 0x80, 0xC3, 0xE2, 0xF0, 0xFF]

    static func corpus() throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path).sorted()
        return try names.map { Array(try Data(contentsOf: corpusDirectory.appendingPathComponent($0))) }
    }

    static func mutate(_ input: [UInt8], corpus: [[UInt8]], using random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1:
                bytes.insert(interesting.randomElement(using: &random)!, at: position)
            case 2 where !bytes.isEmpty:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &random)))
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 4:
                let other = corpus.randomElement(using: &random)!
                guard !other.isEmpty else { continue }
                let start = Int.random(in: 0..<other.count, using: &random)
                bytes.insert(contentsOf: other[start...], at: position)
            default:
                bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    /// Runs every decoder on `bytes`; returns the errors that are not ``ProtocolError``.
    static func decodeEverywhere(_ bytes: [UInt8]) -> [any Error] {
        let text = String(decoding: bytes, as: UTF8.self)
        var unexpected: [any Error] = []
        func run(_ body: () throws -> Void) {
            do { try body() } catch is ProtocolError {} catch { unexpected.append(error) }
        }
        run { _ = try EngineIOPacket(decoding: text[...]) }
        run { _ = try EngineIOPacket.decodePayload(text) }
        run { _ = try JSONValue(parsing: text) }
        run { _ = try SocketIOPacket.decode(text: text, maxAttachments: 10) }
        run {
            var decoder = SocketIOPacketDecoder(maxAttachments: 4, maxAttachmentBytes: 64)
            _ = try decoder.receive(text: text)
            for _ in 0..<5 where decoder.isAwaitingAttachments { _ = try decoder.receive(binary: bytes) }
        }
        return unexpected
    }

    @Test("the corpus decodes")
    func corpusIsValid() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count >= 8)
        for entry in corpus {
            let text = String(decoding: entry, as: UTF8.self)
            let decodes = (try? EngineIOPacket.decodePayload(text)) != nil || (try? SocketIOPacket.decode(text: text, maxAttachments: 10)) != nil
            #expect(decodes, "\(text)")
        }
    }

    @Test("mutated packets never trap and only throw ProtocolError")
    func mutationsOnlyThrowProtocolErrors() throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["SOCKETIO_FUZZ_SECONDS"].flatMap(Double.init) ?? 2
        let seed = environment["SOCKETIO_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5EED_0F_50C3_710
        var random = SplitMix64(seed: seed)
        let corpus = try Self.corpus()
        let deadline = Date().addingTimeInterval(seconds)
        var runs = 0
        while Date() < deadline {
            var input = corpus.randomElement(using: &random)!
            for _ in 0..<8 {
                input = Self.mutate(input, corpus: corpus, using: &random)
                let unexpected = Self.decodeEverywhere(input)
                #expect(unexpected.isEmpty, "seed \(seed), input \(Array(input)): \(unexpected)")
                runs += 1
            }
        }
        #expect(runs > 100, "only \(runs) inputs in \(seconds) s")
    }
}
