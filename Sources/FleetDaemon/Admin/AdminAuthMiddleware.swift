import AdminAPI
import Hummingbird

/// Lets a request through when it carries the admin bearer token, or the session cookie of a page logged in with a
/// one-time code (``UISessions``), before any route runs; `openPaths` (the webhook, which its HMAC signature
/// authenticates, and the page's login, which its one-time code does) need neither.
///
/// A session is not the token: `bearerOnlyPaths` (minting login codes) refuse it, and a state-changing request
/// (anything but GET and HEAD) made with it must repeat the session's CSRF token in `X-CSRF-Token`, which only the
/// page, reading it from `GET /ui/session`, knows. Without either credential: `401 {"error": "unauthorized"}`, or a
/// short HTML page saying how to log in for the page's own paths.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AdminToken
    let openPaths: Set<String>
    let bearerOnlyPaths: Set<String>
    let sessions: UISessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if openPaths.contains(path) || token.authorizes(header: request.headers[.authorization]) {
            return try await next(request, context)
        }
        if !bearerOnlyPaths.contains(path), let session = sessions.session(id: request.cookies[UISessions.cookieName]?.value) {
            if request.method == .get || request.method == .head { return try await next(request, context) }
            if let offered = request.headers[.init(UIRoutes.csrfHeader)!], RandomSecret.matches(offered[...].utf8, session.csrfToken.utf8) {
                return try await next(request, context)
            }
            throw AdminError(.forbidden, "the \(UIRoutes.csrfHeader) header is missing or wrong; "
                + "a page session must send the token of GET /ui/session with every \(request.method) request")
        }
        if UIRoutes.isPagePath(path) {
            return UIRoutes.message(.unauthorized, title: "Log in first",
                                    text: "Run `urban-robot ui` on the daemon's machine and open the link it prints; each link works once.")
        }
        throw AdminError(.unauthorized, "unauthorized")
    }
}

