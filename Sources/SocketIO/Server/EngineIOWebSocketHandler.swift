import DequeModule
import NIOCore
import NIOWebSocket

/// Serves one Engine.IO WebSocket on the event loop: turns the client's messages into packets
/// for its session, answers WebSocket pings and closes, and pauses reading while the session's
/// dispatcher is backlogged. The session writes through a ``WebSocketWriter``.
///
/// Enforced here, as RFC 6455 and the JavaScript server do: client frames are masked (else
/// 1002), fragments reassemble into one message, fragments adding up past `maxPayload` close the
/// connection with 1009 (one larger frame NIO's frame decoder refuses with 1009 itself), a text
/// message is valid UTF-8 (else 1007).
final class EngineIOWebSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// The session and transport an accepted upgrade serves.
    struct Admission {
        let session: EngineIOSession
        let transport: EngineIOTransportID
        /// Whether this WebSocket opened the session (and is sent the open packet first).
        let opensSession: Bool
    }

    private let admission: Admission
    private let maxPayload: Int
    private let maxPendingBytes: Int
    /// The opcode and bytes of a fragmented message being reassembled.
    private var fragments: (opcode: WebSocketOpcode, data: ByteBuffer)?
    private var isClosing = false
    /// Packets read while reading was paused, handed over when the dispatcher catches up.
    private var held: Deque<EngineIOPacket> = []
    private var isPaused = false
    private var hasEnded = false

    init(admission: Admission, maxPayload: Int, maxPendingBytes: Int) {
        self.admission = admission
        self.maxPayload = maxPayload
        self.maxPendingBytes = maxPendingBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let writer = WebSocketWriter(channel: context.channel, maxPendingBytes: maxPendingBytes)
        if admission.opensSession {
            _ = writer.write(.packets([admission.session.openPacket(upgrades: [])]))
        }
        admission.session.attach(writer, as: admission.transport)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isClosing else { return }
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            guard frame.maskKey != nil else { return close(context, code: .protocolError) }
            receiveDataFrame(frame, context: context)
        case .ping:
            guard frame.fin else { return close(context, code: .protocolError) }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .connectionClose:
            answerClose(frame, context: context)
        default:
            close(context, code: .protocolError)
        }
    }

    private func receiveDataFrame(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        let message: (opcode: WebSocketOpcode, data: ByteBuffer)
        if frame.opcode == .continuation {
            guard var pending = fragments else { return close(context, code: .protocolError) }
            var more = frame.unmaskedData
            guard pending.data.readableBytes + more.readableBytes <= maxPayload else {
                return close(context, code: .messageTooLarge)
            }
            pending.data.writeBuffer(&more)
            fragments = nil
            message = pending
        } else {
            guard fragments == nil else { return close(context, code: .protocolError) }
            message = (frame.opcode, frame.unmaskedData)
        }
        guard frame.fin else {
            fragments = message
            return
        }
        let packet: EngineIOPacket
        if message.opcode == .text {
            guard let text = String(validating: message.data.readableBytesView, as: UTF8.self)
            else { return close(context, code: .dataInconsistentWithMessage) }
            do {
                packet = try EngineIOPacket(decoding: text[...])
            } catch {
                admission.session.receiveMalformed()
                return
            }
        } else {
            packet = .binary(Array(message.data.readableBytesView))
        }
        receive(packet, context: context)
    }

    /// Hands a packet to the session, or holds it while reading is paused.
    private func receive(_ packet: EngineIOPacket, context: ChannelHandlerContext) {
        guard !isPaused else {
            held.append(packet)
            return
        }
        if admission.session.deliver([packet], from: admission.transport) {
            pauseReading(channel: context.channel)
        }
    }

    /// The dispatcher is behind: stops reading from this client until it catches up. Frames
    /// already read (at most one socket read's worth) are held here meanwhile.
    private func pauseReading(channel: any Channel) {
        if !isPaused {
            isPaused = true
            channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in channel.close(promise: nil) }
        }
        let handler = NIOLoopBound(self, eventLoop: channel.eventLoop)
        admission.session.whenDispatcherDrains {
            channel.eventLoop.execute { handler.value.resumeReading(channel: channel) }
        }
    }

    /// Hands the held packets over, then reads again, unless the dispatcher falls behind anew.
    private func resumeReading(channel: any Channel) {
        while !held.isEmpty {
            let packet = held.removeFirst()
            if admission.session.deliver([packet], from: admission.transport) {
                pauseReading(channel: channel)
                return
            }
        }
        isPaused = false
        channel.setOption(ChannelOptions.autoRead, value: true).whenSuccess { channel.read() }
    }

    /// Answers the client's close frame with the same status code, then closes the connection.
    private func answerClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var data = frame.unmaskedData
        let code = data.readWebSocketErrorCode() ?? .normalClosure
        close(context, code: code)
    }

    /// Sends a close frame with `code`, then closes the connection.
    private func close(_ context: ChannelHandlerContext, code: WebSocketErrorCode) {
        guard !isClosing else { return }
        isClosing = true
        fragments = nil
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    /// Tells the session, once, that this transport is gone.
    private func end() {
        guard !hasEnded else { return }
        hasEnded = true
        admission.session.transportEnded(admission.transport)
    }
}
