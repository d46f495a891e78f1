@testable import AdminAPI
import AsyncHTTPClient
@testable import FleetConfiguration
@testable import FleetDaemon
import Foundation
import NIOCore
import NIOHTTP1

/// A browser's requests to the status page, over real HTTP: redirects are not followed (the login's 303 and its
/// `Set-Cookie` are looked at), and the session cookie and CSRF token are sent as the page sends them.
struct StatusPageClient {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String
    }

    let port: Int
    let http: HTTPClient

    /// Runs `body` with a client of the server on `port`, shut down afterwards.
    static func with<Value>(port: Int, _ body: (StatusPageClient) async throws -> Value) async throws -> Value {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let value = try await body(StatusPageClient(port: port, http: http))
            try await http.shutdown()
            return value
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// One request with, each optional, the session cookie, the CSRF header and the bearer token.
    func request(_ method: NIOHTTP1.HTTPMethod, _ path: String, cookie: String? = nil, csrf: String? = nil,
                 bearer: String? = nil, body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let cookie { request.headers.add(name: "Cookie", value: "\(UISessions.cookieName)=\(cookie)") }
        if let csrf { request.headers.add(name: UIRoutes.csrfHeader, value: csrf) }
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: data))
    }

    /// A new login code, asked with the admin token.
    func loginCode() async throws -> String {
        let answer = try await request(.POST, UIRoutes.loginCodesPath, bearer: AdminServerHarness.token.value)
        return try AdminServerHarness.object(answer.body)["code"] as? String ?? ""
    }

    /// Logs in with a new code: the session cookie's value and the whole `Set-Cookie` header.
    func logIn() async throws -> (cookie: String, setCookie: String) {
        let answer = try await request(.GET, "\(UIRoutes.loginPath)?code=\(try await loginCode())")
        let setCookie = answer.headers["Set-Cookie"].first ?? ""
        let value = setCookie.split(separator: ";").first.map { String($0.dropFirst(UISessions.cookieName.count + 1)) } ?? ""
        return (value, setCookie)
    }

    /// The CSRF token of a session.
    func csrfToken(cookie: String) async throws -> String {
        try AdminServerHarness.object(try await request(.GET, "/ui/session", cookie: cookie).body)["csrf_token"] as? String ?? ""
    }
}
