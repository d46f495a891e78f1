public import Foundation
import NIOCore
import NIOHTTP1

extension DockerEngineClient {
    /// Builds the image `tag` from `context` (a tar, see ``BuildContext``) with the Dockerfile named `dockerfile`
    /// in it, labelled with `labels`; the engine's progress, line by line, until the build ends. A failed build
    /// ends the stream with a ``DockerEngineError`` carrying the engine's message.
    public func buildImage(
        context: Data, tag: String, dockerfile: String = "Dockerfile", labels: [String: String] = [:]
    ) -> AsyncThrowingStream<BuildProgress, any Error> {
        let labelText = String(decoding: Self.json(labels), as: UTF8.self)
        let path = "/build?t=\(Self.percentEncoded(tag))&dockerfile=\(Self.percentEncoded(dockerfile))"
            + "&labels=\(Self.percentEncoded(labelText))&rm=1&forcerm=1"
        return progress(path, body: context, contentType: "application/x-tar", call: "POST /build", error: \BuildProgress.error)
    }

    /// The JSON lines of a long call's progress (`POST path`); a line with an error ends the stream with it.
    private func progress<Line: Decodable & Sendable>(
        _ path: String, body: Data, contentType: String = "application/json", headers: [String: String] = [:],
        call: String, error: any KeyPath<Line, String?> & Sendable
    ) -> AsyncThrowingStream<Line, any Error> {
        stream(path, method: .POST, body: body, contentType: contentType, headers: headers) {
            (splitter: inout JSONLineSplitter, bytes: ByteBuffer) throws -> [Line] in
            try splitter.feed(bytes.readableBytesView).map { text in
                let line = try JSONDecoder().decode(Line.self, from: Data(text))
                if let message = line[keyPath: error] { throw DockerEngineError(call: call, status: 200, message: message) }
                return line
            }
        } initial: { JSONLineSplitter() }
    }
}

/// One line of a build's progress: output of a step, or the built image's id.
public struct BuildProgress: Decodable, Sendable, Equatable {
    /// Output (`Step 2/5 : COPY . /release`, a `RUN`'s output), with its line ends.
    public var stream: String?
    /// The engine's error, when the build failed.
    public var error: String?
    /// The built image's id (`sha256:...`), in the last line.
    public var imageID: String?

    enum CodingKeys: String, CodingKey { case stream, error, aux }
    enum AuxKeys: String, CodingKey { case id = "ID" }

    /// Decodes a line; `aux.ID` is the image's id.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decodeIfPresent(String.self, forKey: .stream)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        let aux = try? container.nestedContainer(keyedBy: AuxKeys.self, forKey: .aux)
        imageID = try aux?.decodeIfPresent(String.self, forKey: .id)
    }
}

extension DockerEngineClient {
    /// Pushes `repository:tag` to the registry its repository names (`HOST:PORT/name`), without credentials; the
    /// engine's progress until the push ends. A failed push ends the stream with a ``DockerEngineError``.
    public func pushImage(_ repository: String, tag: String) -> AsyncThrowingStream<PushProgress, any Error> {
        progress(
            "/images/\(repository)/push?tag=\(Self.percentEncoded(tag))", body: Data(),
            headers: ["X-Registry-Auth": Data("{}".utf8).base64EncodedString()], call: "POST /images/push", error: \PushProgress.error)
    }
}

/// One line of a push's progress.
public struct PushProgress: Decodable, Sendable, Equatable {
    /// e.g. `Pushed`, `latest: digest: sha256:... size: 528`.
    public var status: String?
    /// The engine's error, when the push failed.
    public var error: String?
}
