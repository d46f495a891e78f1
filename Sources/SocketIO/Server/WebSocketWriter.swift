import NIOCore
import NIOWebSocket
import Synchronization

/// Writes Engine.IO packets to one WebSocket straight into its NIO channel, with no task of
/// its own. The session calls it under its lock, so it only ever queues work on the event loop,
/// even on that loop: a channel operation run at once could call back into the session, whose
/// lock is held. The frames wait in an outbox that one job on the loop empties, so that they keep
/// the order of the calls whichever threads made them, and a thread collecting its loop work
/// (``EventLoopBatch``) holds them back no matter who adds to them meanwhile.
///
/// Bytes handed to the channel but not yet written to the socket are counted; past the limit
/// the client is not reading and ``write(_:)`` says so.
final class WebSocketWriter: Sendable {
    /// Frames queued for the loop, and what to do after them.
    private struct Outbox {
        var frames: [WebSocketFrame] = []
        var bytes = 0
        /// A close was asked for: the channel is closed once the frames are written, and nothing more is.
        var closing = false
        /// A job that empties the outbox is queued on the loop.
        var queued = false
    }

    let channel: any Channel
    let maxPendingBytes: Int
    private let pendingBytes = Atomic<Int>(0)
    private let outbox = Mutex(Outbox())

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

    /// Closes the connection without a close frame, after the frames queued before.
    func close() {
        post([], bytes: 0, thenClose: true)
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
        post(frames, bytes: bytes, thenClose: thenClose)
        return true
    }

    /// Adds frames to the outbox, and queues the job that empties it unless one is queued; after a close, drops
    /// them.
    private func post(_ frames: [WebSocketFrame], bytes: Int, thenClose: Bool) {
        let queue = outbox.withLock { outbox -> Bool? in
            guard !outbox.closing else { return nil }
            outbox.frames += frames
            outbox.bytes += bytes
            outbox.closing = thenClose
            defer { outbox.queued = true }
            return !outbox.queued
        }
        guard let queue else {
            pendingBytes.subtract(bytes, ordering: .relaxed)
            return
        }
        if queue { EventLoopBatch.execute(on: channel.eventLoop) { self.flush() } }
    }

    /// Writes the outbox's frames on the event loop, releases their bytes once they are written, and closes the
    /// channel after them when asked.
    private func flush() {
        let (frames, bytes, thenClose) = outbox.withLock { outbox in
            defer { outbox = Outbox(closing: outbox.closing) }
            return (outbox.frames, outbox.bytes, outbox.closing)
        }
        guard let last = frames.last else {
            if thenClose { channel.close(promise: nil) }
            return
        }
        for frame in frames.dropLast() { channel.write(frame, promise: nil) }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(last, promise: written)
        written.futureResult.whenComplete { _ in
            self.pendingBytes.subtract(bytes, ordering: .relaxed)
            if thenClose { self.channel.close(promise: nil) }
        }
    }
}
