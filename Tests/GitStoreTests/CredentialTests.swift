import Foundation
import GitStore
import Testing

/// The credential callback over real HTTP: a loopback server that refuses every request with 401
/// and records the `Authorization` headers libgit2 sends.
@Suite("GitStore credentials", .serialized)
struct CredentialTests {
    private static let server = """
        import http.server, sys
        class Refuse(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with open(sys.argv[1], 'a') as log:
                    log.write((self.headers.get('Authorization') or '-') + '\\n')
                self.send_response(401)
                self.send_header('WWW-Authenticate', 'Basic realm="git"')
                self.send_header('Content-Length', '0')
                self.end_headers()
            def log_message(self, *arguments):
                pass
        server = http.server.HTTPServer(('127.0.0.1', 0), Refuse)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """

    @Test("an https token goes through the credential callback as basic auth, a few times at most, never into errors")
    func tokenIsSentAndRetriesAreCapped() async throws {
        let fixture = try GitFixture()
        let log = fixture.root.appendingPathComponent("authorization.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.server, log.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let port = try #require(Self.firstLine(of: output.fileHandleForReading))

        var configuration = fixture.configuration(sourceURL: "http://127.0.0.1:\(port)/bot.git")
        configuration.credentials = .token("tok-123")
        let store = try await ReleaseStore(configuration: configuration)
        let error = await expectGitStoreError(.fetch) { try await store.fetch() }

        let expected = "Basic " + Data("x-access-token:tok-123".utf8).base64EncodedString()
        let headers = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(headers.contains(expected))
        #expect(headers.filter { $0 == expected }.count <= 3)
        #expect(!String(describing: error).contains("tok-123"))
    }

    /// Reads the first line a child process writes (the server's port).
    private static func firstLine(of handle: FileHandle) -> String? {
        var data = Data()
        while !data.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
        return line.flatMap { Int($0) == nil ? nil : $0 }
    }
}
