import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
extension DockerEngineClient {
    /// The engine's events, filtered (e.g. `["type": ["container"], "label": ["urban-robot.fleet=x"]]`), from
    /// `since` (those already past are replayed first, so that nothing between a call and the subscription is
    /// missed) or from now, until the consuming task is cancelled. A line that is not an event ends the stream
    /// with an error.
    public func events(filters: [String: [String]], since: Date? = nil) -> AsyncThrowingStream<EngineEvent, any Error> {
        let from = since.map { String(format: "since=%.3f&", $0.timeIntervalSince1970) } ?? ""
        let path = "/events?" + from + Self.filterQuery(filters)
        return stream(path) { (splitter: inout JSONLineSplitter, bytes: ByteBuffer) throws -> [EngineEvent] in
            try splitter.feed(bytes.readableBytesView).map { try JSONDecoder().decode(EngineEvent.self, from: Data($0)) }
        } initial: { JSONLineSplitter() }
    }

    /// A container's output (stdout and stderr, demultiplexed), from the start (or from `since`); with `follow`
    /// until the container ends (or the consuming task is cancelled).
    public func logs(container: String, follow: Bool, since: Date? = nil) -> AsyncThrowingStream<MultiplexedStreamDecoder.Frame, any Error> {
        logs("/containers/\(container)", follow: follow, since: since)
    }

    /// A Swarm task's output on whichever node it runs (through the manager; the engine's containers API knows
    /// only its own node's containers), from the start (or from `since`). With `follow` the stream does not end
    /// when the task does: the consuming task cancels it.
    public func logs(task: String, follow: Bool, since: Date? = nil) -> AsyncThrowingStream<MultiplexedStreamDecoder.Frame, any Error> {
        logs("/tasks/\(task)", follow: follow, since: since)
    }

    private func logs(_ object: String, follow: Bool, since: Date?) -> AsyncThrowingStream<MultiplexedStreamDecoder.Frame, any Error> {
        let from = since.map { String(format: "&since=%.3f", $0.timeIntervalSince1970) } ?? ""
        let path = object + "/logs?stdout=1&stderr=1&follow=\(follow ? 1 : 0)" + from
        return stream(path) { (decoder: inout MultiplexedStreamDecoder, bytes: ByteBuffer) throws -> [MultiplexedStreamDecoder.Frame] in
            try decoder.feed(bytes.readableBytesView)
        } initial: { MultiplexedStreamDecoder() }
    }

    /// Streams the body of the answer to `method path` (with `body` of `contentType`) through `decode`, which keeps
    /// its state between pieces.
    func stream<State: Sendable, Element: Sendable>(
        _ path: String, method: HTTPMethod = .GET, body: Data? = nil, contentType: String = "application/json",
        headers: [String: String] = [:],
        decode: @escaping @Sendable (inout State, ByteBuffer) throws -> [Element],
        initial: @escaping @Sendable () -> State
    ) -> AsyncThrowingStream<Element, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Element.self)
        let call = "\(method.rawValue) \(path.split(separator: "?").first.map(String.init) ?? path)"
        var request = request(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let (http, endpoint) = (self.http, self.endpoint)
        let task = Task {
            do {
                let response = try await http.execute(request, deadline: .distantFuture)
                guard response.status.code == 200 else {
                    let body = try await response.body.collect(upTo: 1 << 20)
                    throw DockerEngineError(
                        call: call, status: Int(response.status.code), message: Self.message(in: Data(body.readableBytesView)))
                }
                var state = initial()
                for try await piece in response.body {
                    for element in try decode(&state, piece) { continuation.yield(element) }
                }
                continuation.finish()
            } catch let error as DockerEngineError {
                continuation.finish(throwing: error)
            } catch is CancellationError {
                continuation.finish()
            } catch {
                continuation.finish(throwing: DockerEngineError(
                    call: call, status: nil, message: "\(error) (is the engine running on \(endpoint)?)"))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
