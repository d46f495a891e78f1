import Foundation
import GitStore
import TestSupport
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
        let fixture = try await GitFixture()
        let log = fixture.root.appendingPathComponent("authorization.log")
        try await BackgroundProcess.run(["python3", "-c", Self.server, log.path]) { server in
            let port = try #require(await server.firstLine(within: .seconds(30)).flatMap { Int($0) })

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
    }
}
