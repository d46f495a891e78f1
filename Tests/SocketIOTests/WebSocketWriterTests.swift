import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import SocketIO

/// ``WebSocketWriter``: the frames a thread writes while it collects its event-loop work (``EventLoopBatch``) wait
/// for the end of the collection, and frames keep the order of the calls that wrote them, whichever threads made
/// them; nothing follows a close.
@Suite struct WebSocketWriterTests {
    /// The text of the frames written to `channel` since the last call, after the loop ran what waits.
    static func written(_ channel: EmbeddedChannel) throws -> [String] {
        channel.embeddedEventLoop.run()
        var texts: [String] = []
        while let frame = try channel.readOutbound(as: WebSocketFrame.self) {
            texts.append(frame.opcode == .connectionClose ? "<close>" : String(buffer: frame.unmaskedData))
        }
        return texts
    }

    /// Runs `body` on a thread of its own and waits for it.
    static func onAnotherThread(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            body()
            done.signal()
        }
        done.wait()
    }

    @Test func framesWaitForTheCollectionAndKeepTheOrderOfTheCalls() throws {
        let channel = EmbeddedChannel()
        let writer = WebSocketWriter(channel: channel, maxPendingBytes: 1 << 20)
        try EventLoopBatch.collect { () throws in
            #expect(writer.write(.packets([.message("first, collected")])))
            // Another thread's frame goes after the held one: it joins the outbox whose job the collection holds.
            Self.onAnotherThread { #expect(writer.write(.packets([.message("second, from another thread")]))) }
            #expect(writer.write(.packets([.message("third, collected")])))
            #expect(try Self.written(channel) == [])
        }
        #expect(try Self.written(channel) == ["4first, collected", "4second, from another thread", "4third, collected"])
        #expect(writer.write(.packets([.message("after")])))
        #expect(try Self.written(channel) == ["4after"])
    }

    @Test func nothingIsWrittenAfterAClose() throws {
        let channel = EmbeddedChannel()
        let writer = WebSocketWriter(channel: channel, maxPendingBytes: 16)
        #expect(writer.write(.finish([.message("bye")])))
        #expect(writer.write(.packets([.message("too late")])))
        #expect(try Self.written(channel) == ["4bye", "<close>"])
        // The dropped frame's bytes are not counted as unread: a frame of the whole limit still goes.
        #expect(writer.write(.packets([.message(String(repeating: "x", count: 15))])))
    }
}
