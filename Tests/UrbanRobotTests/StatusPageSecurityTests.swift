@testable import AdminAPI
import AsyncHTTPClient
import Deployer
@testable import FleetDaemon
@testable import FleetOperator
import FleetTypes
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@Suite("Status page security", .serialized, .timeLimit(.minutes(2)))
struct StatusPageSecurityTests {
    @Test("a login code is issued for the admin token only, and works once for an HttpOnly SameSite=Strict cookie")
    func oneTimeLogin() async throws {
        try await AdminServerHarness.run { server in
            try await StatusPageClient.with(port: server.port) { page in
                #expect(try await page.request(.POST, UIRoutes.loginCodesPath).status == 401)
                #expect(try await page.request(.POST, UIRoutes.loginCodesPath, bearer: "wrong").status == 401)
                let issued = try await page.request(.POST, UIRoutes.loginCodesPath, bearer: AdminServerHarness.token.value)
                #expect(issued.status == 201)
                let object = try AdminServerHarness.object(issued.body)
                let code = try #require(object["code"] as? String)
                #expect(code.count == 64)
                #expect(object["expires_at"] is String)

                let login = try await page.request(.GET, "\(UIRoutes.loginPath)?code=\(code)")
                #expect(login.status == 303)
                #expect(login.headers["Location"] == ["/ui"])
                let setCookie = try #require(login.headers["Set-Cookie"].first)
                #expect(setCookie.hasPrefix("\(UISessions.cookieName)="))
                for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
                    #expect(setCookie.contains(attribute), "\(attribute) in \(setCookie)")
                }
                let cookie = String(setCookie.split(separator: ";")[0].split(separator: "=")[1])
                #expect(cookie != code, "the session is not the code")

                let again = try await page.request(.GET, "\(UIRoutes.loginPath)?code=\(code)")
                #expect(again.status == 401, "a code works once")
                #expect(again.headers["Set-Cookie"].isEmpty)
                #expect(again.body.contains("urban-robot ui"))
                #expect(try await page.request(.GET, "\(UIRoutes.loginPath)?code=0123").status == 401)
                #expect(try await page.request(.GET, UIRoutes.loginPath).status == 401)

                #expect(try await page.request(.GET, "/v1/status", cookie: cookie).status == 200)
                #expect(try await page.request(.GET, "/ui", cookie: cookie).status == 200)
                #expect(try await page.request(.GET, "/v1/status", cookie: code).status == 401, "the code is no cookie")
                #expect(try await page.request(.GET, "/v1/status", bearer: AdminServerHarness.token.value).status == 200,
                        "the bearer token keeps working")
            }
        }
    }

    @Test("the page and its files need a session; without one the page says how to log in")
    func pageNeedsSession() async throws {
        try await AdminServerHarness.run { server in
            try await StatusPageClient.with(port: server.port) { page in
                for path in ["/ui", "/ui/assets/app.js", "/ui/session", "/ui/stream"] {
                    let answer = try await page.request(.GET, path, cookie: "not-a-session")
                    #expect(answer.status == 401, "\(path)")
                    #expect(answer.headers["Content-Type"].first?.hasPrefix("text/html") == true, "\(path)")
                    #expect(answer.body.contains("urban-robot ui"), "\(path)")
                }
                let session = try await page.logIn()
                let html = try await page.request(.GET, "/ui", cookie: session.cookie)
                #expect(html.headers["Content-Type"] == ["text/html; charset=utf-8"])
                #expect(html.body.contains(#"<script type="module" src="/ui/assets/app.js"></script>"#))
                #expect(html.body.components(separatedBy: "<script").count == 2, "one script element, no inline script")
                let script = try await page.request(.GET, "/ui/assets/app.js", cookie: session.cookie)
                #expect(script.status == 200)
                #expect(script.headers["Content-Type"] == ["text/javascript; charset=utf-8"])
                #expect(try await page.request(.GET, "/ui/assets/missing.js", cookie: session.cookie).status == 404)
                #expect(try await page.request(.GET, "/ui/assets/..%2Fadmin.token", cookie: session.cookie).status == 404)
            }
        }
    }

    @Test("a page session changes state only with its CSRF token, and cannot mint login codes")
    func csrf() async throws {
        let control = TestDaemonControl()
        try await AdminServerHarness.run(control: control) { server in
            try await StatusPageClient.with(port: server.port) { page in
                let session = try await page.logIn()
                let other = try await page.logIn()
                let token = try await page.csrfToken(cookie: session.cookie)
                #expect(token.count == 64)
                for path in ["/v1/abort", "/v1/promote", "/v1/resume", "/v1/rollback", "/ui/logout"] {
                    for csrf in [nil, "", "wrong", token + "0", String(token.dropLast())] as [String?] {
                        let answer = try await page.request(.POST, path, cookie: session.cookie, csrf: csrf, body: "{}")
                        #expect(answer.status == 403, "\(path) with CSRF \(csrf ?? "none")")
                        #expect((try AdminServerHarness.object(answer.body)["error"] as? String)?.contains("X-CSRF-Token") == true)
                    }
                    let foreign = try await page.request(.POST, path, cookie: other.cookie, csrf: token, body: "{}")
                    #expect(foreign.status == 403, "another session's token")
                    #expect(try await page.request(.POST, path, csrf: token, body: "{}").status == 401, "a token without its cookie")
                }
                #expect(control.commands.isEmpty && control.requests.isEmpty)

                let abort = try await page.request(.POST, "/v1/abort", cookie: session.cookie, csrf: token)
                #expect(abort.status == 200)
                #expect(control.commands == [.abort])
                let rollback = try await page.request(.POST, "/v1/rollback", cookie: session.cookie, csrf: token, body: #"{"to": null}"#)
                #expect(rollback.status == 202)
                #expect(control.requests.map(\.trigger) == [.rollback])
                #expect(try await page.request(.POST, "/v1/promote", bearer: AdminServerHarness.token.value).status == 200,
                        "the bearer token needs no CSRF token")

                let mint = try await page.request(.POST, UIRoutes.loginCodesPath, cookie: session.cookie, csrf: token)
                #expect(mint.status == 401, "a page session cannot make login codes")

                #expect(try await page.request(.POST, "/ui/logout", cookie: session.cookie, csrf: token).status == 200)
                #expect(try await page.request(.GET, "/v1/status", cookie: session.cookie).status == 401, "logged out")
                #expect(try await page.request(.GET, "/v1/status", cookie: other.cookie).status == 200)
            }
        }
    }

    @Test("every answer carries a strict Content-Security-Policy, nosniff and no framing")
    func securityHeaders() async throws {
        try await AdminServerHarness.run { server in
            try await StatusPageClient.with(port: server.port) { page in
                let session = try await page.logIn()
                let bearer = AdminServerHarness.token.value
                let answers = [
                    try await page.request(.GET, "/ui", cookie: session.cookie),
                    try await page.request(.GET, "/ui/assets/ui.css", cookie: session.cookie),
                    try await page.request(.GET, "/ui"),
                    try await page.request(.GET, "\(UIRoutes.loginPath)?code=used"),
                    try await page.request(.GET, "/v1/status", bearer: bearer),
                    try await page.request(.GET, "/v1/status"),
                    try await page.request(.GET, "/v1/nothing", bearer: bearer),
                    try await page.request(.POST, "/v1/abort", cookie: session.cookie),
                    // Errors that routes throw (AdminError), as the middleware's are.
                    try await page.request(.GET, "/v1/deployments/abc", bearer: bearer),
                    try await page.request(.GET, "/ui/assets/nope.js", cookie: session.cookie),
                ]
                #expect(answers.map(\.status) == [200, 200, 401, 401, 200, 401, 404, 403, 400, 404])
                for answer in answers {
                    let policy = answer.headers["Content-Security-Policy"].first ?? ""
                    #expect(policy.contains("default-src 'none'"), "\(answer.status): \(policy)")
                    #expect(policy.contains("script-src 'self';"))
                    #expect(policy.contains("frame-ancestors 'none'"))
                    #expect(!policy.contains("unsafe"))
                    #expect(answer.headers["X-Content-Type-Options"] == ["nosniff"])
                    #expect(answer.headers["X-Frame-Options"] == ["DENY"])
                    #expect(answer.headers["Referrer-Policy"] == ["no-referrer"])
                }
            }
        }
    }

    @Test("an expired code or session is refused")
    func expiry() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let sessions = UISessions(codeLifetime: .seconds(120), sessionLifetime: .seconds(3600), now: { clock.withLock { $0 } })
        try await AdminServerHarness.run(sessions: sessions) { server in
            try await StatusPageClient.with(port: server.port) { page in
                let code = try await page.loginCode()
                clock.withLock { $0 += 121 }
                #expect(try await page.request(.GET, "\(UIRoutes.loginPath)?code=\(code)").status == 401, "expired code")
                let session = try await page.logIn()
                #expect(session.setCookie.contains("Max-Age=3600"))
                clock.withLock { $0 += 3599 }
                #expect(try await page.request(.GET, "/v1/status", cookie: session.cookie).status == 200)
                clock.withLock { $0 += 2 }
                #expect(try await page.request(.GET, "/v1/status", cookie: session.cookie).status == 401, "expired session")
            }
        }
    }

    @Test("the CLI's client makes the page's one-time address")
    func clientLogin() async throws {
        try await AdminServerHarness.run { server in
            let login = try await server.client.pageLogin()
            #expect(login.url.hasPrefix("http://127.0.0.1:\(server.port)/ui/login?code="))
            #expect(login.expiresAt > Date())
            try await StatusPageClient.with(port: server.port) { (page: StatusPageClient) async throws in
                let path = String(login.url.dropFirst("http://127.0.0.1:\(server.port)".count))
                #expect(try await page.request(.GET, path).status == 303)
                #expect(try await page.request(.GET, path).status == 401)
            }
        }
    }
}

@Suite("Status page live feed", .serialized, .timeLimit(.minutes(2)))
struct StatusPageStreamTests {
    @Test("the stream sends the status, the history, the shown deployment and its progress as it happens")
    func liveFeed() async throws {
        let control = TestDaemonControl()
        let started = ProgressEvent(time: Date(timeIntervalSince1970: 1_795_000_000), deployment: 6, kind: "deployment.started",
                                    detail: [:], message: "deployment 6 started.")
        control.emit(started)
        try await AdminServerHarness.run(control: control) { server in
            try await StatusPageClient.with(port: server.port) { page in
                let session = try await page.logIn()
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/ui/stream")
                request.headers.add(name: "Cookie", value: "\(UISessions.cookieName)=\(session.cookie)")
                let response = try await page.http.execute(request, timeout: .seconds(60))
                #expect(response.headers["Content-Type"] == ["text/event-stream"])
                var text = ""
                var iterator = response.body.makeAsyncIterator()
                func read(until marker: String) async throws {
                    while !text.contains(marker), let chunk = try await iterator.next() { text += String(buffer: chunk) }
                }
                try await read(until: "deployment 6 started")
                #expect(text.hasPrefix("retry: 2000\n\n"))
                #expect(text.contains("event: status\ndata: {"))
                #expect(text.contains("event: history\ndata: [{"))
                #expect(text.contains("event: timeline\ndata: {\"deployment\":6}\n\n"), "the running deployment is shown")
                #expect(text.contains("event: progress\ndata: {"))
                control.emit(ProgressEvent(time: Date(timeIntervalSince1970: 1_795_000_001.0004), deployment: 6, kind: "gate.passed",
                                           instance: 0, client: "shard-0.4", detail: [:], message: "shard-0.4 passed its gate <b>."))
                try await read(until: "passed its gate")
                let line = try #require(text.split(separator: "\n").last { $0.contains("passed its gate") })
                #expect(line.hasPrefix("data: "))
                let event = try AdminServerHarness.object(String(line.dropFirst(6)))
                #expect(event["kind"] as? String == "gate.passed" && event["message"] as? String == "shard-0.4 passed its gate <b>.")
                #expect(event["time"] as? String == "2026-11-18T11:06:41Z")
                #expect(event["time_ms"] as? Int == 1_795_000_001_000, "the time in milliseconds, for the timeline's bars")
            }
        }
    }
}
