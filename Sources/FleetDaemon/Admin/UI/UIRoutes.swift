import Deployer
import Foundation
import Hummingbird

/// The status page's routes: the login with a one-time code, the page and its files, its session's CSRF token and
/// its live feed. The page then uses the `/v1` routes of docs/admin-api.md like the CLI does.
struct UIRoutes: Sendable {
    /// `POST`: a new one-time login code; the bearer token only.
    static let loginCodesPath = "/v1/ui/login-codes"
    /// `GET ?code=C`: exchanges a login code for the session cookie; open (the code is the credential).
    static let loginPath = "/ui/login"
    /// The header a page session's state-changing requests carry.
    static let csrfHeader = "X-CSRF-Token"

    let control: any DaemonControl
    let sessions: UISessions

    /// Whether `path` is one of the page's (answered with HTML, not JSON, when not logged in).
    static func isPagePath(_ path: String) -> Bool {
        path == "/ui" || path.hasPrefix("/ui/")
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post(.init(stringLiteral: Self.loginCodesPath)) { _, _ in try AdminResponse.json(sessions.issueCode(), status: .created) }
        router.get(.init(stringLiteral: Self.loginPath)) { request, _ in login(request) }
        router.post("/ui/logout") { request, _ in logout(request) }
        router.get("/ui") { _, _ in try UIAssets.response(for: UIAssets.page) }
        router.get("/ui/assets/:file") { _, context in
            try UIAssets.response(for: context.parameters.get("file") ?? "")
        }
        router.get("/ui/session") { request, _ in try session(request) }
        router.get("/ui/stream") { _, _ in UIEventStream(control: control).response() }
    }

    private func login(_ request: Request) -> Response {
        guard let code = request.uri.queryParameters.get("code"), let session = sessions.redeem(code: String(code)) else {
            return Self.message(.unauthorized, title: "This login link does not work",
                                text: "It was already used, or it expired. Run `urban-robot ui` for a new one.")
        }
        let cookie = Cookie(name: UISessions.cookieName, value: session.id, maxAge: Int(sessions.sessionLifetime.components.seconds),
                            path: "/", httpOnly: true, sameSite: .strict)
        return Response(status: .seeOther, headers: [.location: "/ui", .setCookie: cookie.description])
    }

    private func logout(_ request: Request) -> Response {
        if let id = request.cookies[UISessions.cookieName]?.value { sessions.end(id: id) }
        let cookie = Cookie(name: UISessions.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict)
        return Response(status: .ok, headers: [.contentType: "application/json", .setCookie: cookie.description],
                        body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }

    /// `{"csrf_token", "expires_at"}` of the page's session; 404 for a request authenticated by the bearer token.
    private func session(_ request: Request) throws -> Response {
        guard let session = sessions.session(id: request.cookies[UISessions.cookieName]?.value) else {
            throw AdminError(.notFound, "no page session: log in with the link `urban-robot ui` prints")
        }
        return try AdminResponse.json(SessionAnswer(csrfToken: session.csrfToken, expiresAt: session.expiresAt))
    }

    /// A small HTML page without script: `title` and `text` (constant text of ours, never a request's).
    static func message(_ status: HTTPResponse.Status, title: String, text: String) -> Response {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>urban-robot: \(title)</title>
            <link rel="stylesheet" href="/ui/assets/ui.css"></head>
            <body><main class="message"><h1>\(title)</h1><p>\(text)</p></main></body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The answer of `GET /ui/session`.
private struct SessionAnswer: Encodable {
    var csrfToken: String
    var expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case csrfToken = "csrf_token", expiresAt = "expires_at"
    }
}
