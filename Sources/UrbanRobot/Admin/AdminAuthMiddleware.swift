import Hummingbird

/// Answers `401 {"error": "unauthorized"}` to every request without the admin bearer token, before any
/// route runs, except on `openPaths` (the webhook, which its HMAC signature authenticates).
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AdminToken
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if openPaths.contains(request.uri.path) || token.authorizes(header: request.headers[.authorization]) {
            return try await next(request, context)
        }
        return AdminResponse.error(.unauthorized, "unauthorized")
    }
}
