import AdminAPI
import Deployer
import Foundation
import Hummingbird
import ServiceLifecycle

/// `GET /ui/stream`: the page's live feed as server-sent events, so the browser needs no polling loop.
///
/// Events (each `data` one JSON document):
/// - `status`: the `GET /v1/status` object, whenever it changed (read once a second);
/// - `history`: the `GET /v1/history` list, whenever it changed;
/// - `timeline`: `{"deployment": N or null}`: the deployment the timeline shows from now on (the running one, else
///   the newest); its `progress` events follow, from its first;
/// - `progress`: one line of `GET /v1/deployments/{id}/events?follow=true`, plus `time_ms` (the time in milliseconds
///   since 1970: `time` has whole seconds, and a gate's phases often take less).
///
/// A reconnecting page gets everything again, so a lost connection loses nothing. A comment line is sent when
/// nothing changed for a while, so a browser that left is noticed by the failing write.
struct UIEventStream: Sendable {
    let control: any DaemonControl
    /// How often the status and history are read.
    var interval: Duration = .seconds(1)
    /// How many deployments the history holds.
    static let historyLimit = 30
    /// Quiet reads before a keep-alive comment.
    static let keepAliveEvery = 15

    func response() -> Response {
        Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: .init { writer in
            try await write(to: &writer)
            try await writer.finish(nil)
        })
    }

    /// Writes the events until the browser leaves (a write throws) or the server shuts down gracefully.
    private func write(to writer: inout any ResponseBodyWriter) async throws {
        let (chunks, sink) = AsyncStream<String>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await watch(into: sink) }
            defer { group.cancelAll() }
            try await withGracefulShutdownHandler {
                // The browser reconnects 2 s after a lost connection.
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                for await chunk in chunks { try await writer.write(ByteBuffer(string: chunk)) }
            } onGracefulShutdown: {
                sink.finish()
            }
        }
    }

    /// Reads the status and history every `interval` and sends what changed; follows the shown deployment.
    private func watch(into sink: AsyncStream<String>.Continuation) async {
        var lastStatus: Data?
        var lastHistory: Data?
        // The deployment the timeline shows: nil before the first `timeline` event, `.some(nil)` while there is none.
        var shown: Int??
        var follower: Task<Void, Never>?
        var quiet = 0
        defer { follower?.cancel() }
        let encoder = StatusSnapshot.encoder
        while !Task.isCancelled {
            let status = await control.status()
            var changed = false
            if let data = try? Data(status.answerText()), data != lastStatus {
                lastStatus = data
                sink.yield(Self.event("status", data))
                changed = true
            }
            if let history = try? await control.history(limit: Self.historyLimit), let data = try? encoder.encode(history) {
                if data != lastHistory {
                    lastHistory = data
                    sink.yield(Self.event("history", data))
                    changed = true
                }
                let deployment = status.deployment?.id ?? history.first?.id
                if shown != .some(deployment) {
                    shown = .some(deployment)
                    follower?.cancel()
                    sink.yield(Self.event("timeline", (try? encoder.encode(["deployment": deployment])) ?? Data()))
                    if let deployment { follower = Task { await follow(deployment, into: sink) } }
                }
            }
            quiet = changed ? 0 : quiet + 1
            if quiet >= Self.keepAliveEvery {
                quiet = 0
                sink.yield(": keep-alive\n\n")
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Sends each progress event of `deployment` until it is terminal or the follow is cancelled.
    private func follow(_ deployment: Int, into sink: AsyncStream<String>.Continuation) async {
        do {
            for try await event in try await control.progress(deployment: deployment, follow: true) {
                sink.yield(Self.event("progress", try StatusSnapshot.encoder.encode(TimedProgressLine(event: event))))
            }
        } catch {
            // The deployment vanished or the store failed: the status events go on; a reconnect follows it again.
        }
    }

    /// One server-sent event; JSON has no raw line break, so `data` is one line.
    private static func event(_ name: String, _ data: Data) -> String {
        "event: \(name)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
    }
}

/// A progress line with `time_ms` added, for the timeline's bars.
private struct TimedProgressLine: Encodable {
    let event: ProgressEvent

    private enum CodingKeys: String, CodingKey {
        case timeMilliseconds = "time_ms"
    }

    func encode(to encoder: any Encoder) throws {
        try ProgressLine(event: event).encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Int64((event.time.timeIntervalSince1970 * 1000).rounded()), forKey: .timeMilliseconds)
    }
}
