import Hummingbird

/// Sets the browser-facing safety headers on every answer of the admin listener, errors included: the page may
/// load scripts, styles and data from this origin only (no inline script, so text a bot sent can never run),
/// nobody may frame it, the browser must not guess content types, nothing is cached or sent as a referrer.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The page's Content-Security-Policy.
    static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

