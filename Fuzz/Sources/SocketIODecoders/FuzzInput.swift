public import FleetTypes

/// The bytes libFuzzer hands a fuzz target, and the views of them the decoders take.
public struct FuzzInput {
    /// The input as it came.
    public let bytes: [UInt8]

    /// Copies libFuzzer's `size` bytes at `data` (nil when `size` is 0).
    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    }

    /// The bytes as text, invalid UTF-8 repaired as the server's WebSocket and HTTP layers would hand it over.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A text message and the binary messages after it: the text runs to the first newline, the rest is split at
    /// each 0x1E (the Engine.IO record separator) into attachments.
    public var messages: (text: String, attachments: [[UInt8]]) {
        guard let newline = bytes.firstIndex(of: 0x0A) else { return (text, []) }
        let rest = bytes[(newline + 1)...]
        let attachments = rest.isEmpty ? [] : rest.split(separator: 0x1E, omittingEmptySubsequences: false).map(Array.init)
        return (String(decoding: bytes[..<newline], as: UTF8.self), attachments)
    }
}

/// Stops the run (libFuzzer records the input as a crash) when a value decoded from the input decodes to something
/// else once encoded: an encoder and a decoder that disagree.
public func requireRoundTrip<Value: Equatable>(_ decoded: Value, _ again: Value?, _ what: String) {
    guard again != decoded else { return }
    fatalError("\(what) does not survive a round trip: \(decoded) became \(again.map { "\($0)" } ?? "an error")")
}

extension JSONValue {
    /// The value as JSON can carry it: a number beyond Double's range decodes to ±infinity, which encodes as `null`
    /// (as JavaScript's `JSON.parse` and `JSON.stringify` do); every other value is kept.
    public var finite: JSONValue {
        switch self {
        case .number(let number) where !number.isFinite: .null
        case .array(let elements): .array(elements.map(\.finite))
        case .object(let members): .object(members.map { JSONMember($0.key, $0.value.finite) })
        default: self
        }
    }
}

extension SocketIOPacket {
    /// The packet with its data as JSON can carry it (see ``JSONValue/finite``).
    public var finite: SocketIOPacket {
        var packet = self
        packet.data = data?.finite
        return packet
    }
}
