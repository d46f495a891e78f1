import NIOCore
import NIOWebSocket
import Synchronization

/// Writes Engine.IO packets to one WebSocket straight into its NIO channel, with no task of
/// its own. The session calls it under its lock, so it only ever queues work on the event loop
/// (in call order, so frames keep their order), even on that loop: a channel operation run
/// at once could call back into the session, whose lock is held.
///
/// Bytes handed to the channel but not yet written to the socket are counted; past the limit
/// the client is not reading and ``write(_:)`` says so.
final class WebSocketWriter: Sendable {
    let channel: any Channel
    let maxPendingBytes: Int
    private let pendingBytes = Atomic<Int>(0)

    init(channel: any Channel, maxPendingBytes: Int) {
        self.channel = channel
        self.maxPendingBytes = maxPendingBytes
    }

    /// Writes the output; `false` when the client has left too many bytes unread.
    func write(_ outbound: EngineIOOutbound) -> Bool {
        switch outbound {
        case .packets(let packets):
            return send(packets, thenClose: false)
        case .finish(let packets):
            return send(packets, thenClose: true)
        case .drop:
            close()
            return true
        }
    }

    /// Closes the connection without a close frame.
    func close() {
        let channel = self.channel
        channel.eventLoop.execute { channel.close(promise: nil) }
    }

    private func send(_ packets: [EngineIOPacket], thenClose: Bool) -> Bool {
        var frames: [WebSocketFrame] = []
        frames.reserveCapacity(packets.count + 1)
        var bytes = 0
        for packet in packets {
            let frame: WebSocketFrame
            switch packet {
            case .binary(let data):
                frame = WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: data))
            default:
                frame = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: packet.encodedText))
            }
            bytes += frame.data.readableBytes
            frames.append(frame)
        }
        let pending = pendingBytes.add(bytes, ordering: .relaxed).newValue
        guard pending <= maxPendingBytes else { return false }
        if thenClose {
            var code = ByteBuffer()
            code.write(webSocketErrorCode: .normalClosure)
            frames.append(WebSocketFrame(fin: true, opcode: .connectionClose, data: code))
        }
        let channel = self.channel
        let queued = frames
        let queuedBytes = bytes
        channel.eventLoop.execute { self.flush(queued, bytes: queuedBytes, thenClose: thenClose) }
        return true
    }

    /// Writes the frames on the event loop and releases their bytes once they are written.
    private func flush(_ frames: [WebSocketFrame], bytes: Int, thenClose: Bool) {
        guard let last = frames.last else { return }
        for frame in frames.dropLast() { channel.write(frame, promise: nil) }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(last, promise: written)
        written.futureResult.whenComplete { _ in
            self.pendingBytes.subtract(bytes, ordering: .relaxed)
            if thenClose { self.channel.close(promise: nil) }
        }
    }
}
