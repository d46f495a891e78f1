/// A packet that breaks the Engine.IO or Socket.IO protocol, or JSON that does not parse.
///
/// Thrown by the codecs (``EngineIOPacket``, ``SocketIOPacket``, ``JSONValue``); the server
/// answers it by closing the one session that sent the packet.
public struct ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of violation this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The name of the code
        public let description: String
        private init(_ description: String) { self.description = description }

        /// The text is not valid JSON.
        public static let invalidJSON = Code("invalidJSON")
        /// An Engine.IO packet has an unknown type or is empty.
        public static let invalidEngineIOPacket = Code("invalidEngineIOPacket")
        /// A `b` packet's base64 data does not decode.
        public static let invalidBase64 = Code("invalidBase64")
        /// A Socket.IO packet has an unknown type, a bad attachment count, namespace or ack id.
        public static let invalidSocketIOPacket = Code("invalidSocketIOPacket")
        /// A Socket.IO packet's payload does not fit its type (for example an EVENT without an array).
        public static let invalidPayload = Code("invalidPayload")
        /// Binary data arrived when no attachment was expected, or text while attachments were awaited.
        public static let unexpectedAttachment = Code("unexpectedAttachment")
        /// A packet arrived in a state where the protocol does not allow it (EVENT before CONNECT, ...).
        public static let invalidState = Code("invalidState")
        /// A packet, body or attachment count is larger than the configured limit.
        public static let tooLarge = Code("tooLarge")
    }

    /// The kind of violation
    public var code: Code
    /// What failed, with what input
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of violation
    ///   - message: What failed, with what input
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`
    public var description: String { "\(code): \(message)" }
}

extension ProtocolError {
    /// Quotes at most 60 characters of `text` for an error message.
    static func excerpt(_ text: some StringProtocol) -> String {
        let prefix = text.prefix(60)
        return "\"\(prefix)\(prefix.count < text.count ? "…" : "")\""
    }
}
