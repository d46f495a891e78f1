import AdminAPI
import Deployer
import FleetTypes
import Foundation
import Hummingbird
import Logging

/// The routes of docs/admin-api.md over a ``DaemonControl``.
struct AdminRoutes: Sendable {
    /// The path of the GitHub webhook, the one route without the bearer token.
    static let webhookPath = "/hooks/github"

    let control: any DaemonControl
    let metrics: DaemonMetrics
    let webhook: GitHubWebhook?
    /// The ref a deployment request without a revision deploys: the configured branch.
    let branch: String

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/status") { _, _ in try AdminResponse.json(await control.status()) }
        router.get("/v1/history") { request, _ in try await history(request) }
        router.get("/v1/events") { request, _ in try await recentEvents(request) }
        router.get("/v1/deployments/:id") { _, context in try await deployment(context) }
        router.get("/v1/deployments/:id/events") { request, context in try await events(request, context) }
        router.post("/v1/deployments") { request, context in try await deploy(request, context) }
        router.post("/v1/rollback") { request, context in try await rollback(request, context) }
        router.post("/v1/abort") { _, _ in try await perform(.abort) }
        router.post("/v1/promote") { _, _ in try await perform(.promote) }
        router.post("/v1/resume") { _, _ in try await perform(.resume) }
        router.get("/v1/logs/:instance") { request, context in try await logs(request, context) }
        router.get("/metrics") { _, _ in
            let text = metrics.render(status: await control.status())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.post(.init(stringLiteral: Self.webhookPath)) { request, context in try await github(request, context) }
    }

    private func history(_ request: Request) async throws -> Response {
        guard let limit = Self.limit(of: request, default: 20) else { throw Self.badLimit(request) }
        do {
            return try AdminResponse.json(try await control.history(limit: limit))
        } catch {
            throw AdminError(answering: error)
        }
    }

    /// `GET /v1/events`: the newest events outside any deployment, each as a progress event line, in a list.
    private func recentEvents(_ request: Request) async throws -> Response {
        guard let limit = Self.limit(of: request, default: 50) else { throw Self.badLimit(request) }
        let routine = request.uri.queryParameters.get("routine") == "true"
        do {
            return try AdminResponse.json(try await control.recentEvents(limit: limit, routine: routine).map(ProgressLine.init))
        } catch {
            throw AdminError(answering: error)
        }
    }

    /// The request's `?limit=N`, `defaultLimit` without one; nil when it is not a positive number.
    private static func limit(of request: Request, default defaultLimit: Int) -> Int? {
        guard let text = request.uri.queryParameters.get("limit") else { return defaultLimit }
        return Int(text).flatMap { $0 > 0 ? $0 : nil }
    }

    private static func badLimit(_ request: Request) -> AdminError {
        let text = request.uri.queryParameters.get("limit").map { String($0) } ?? ""
        return AdminError(.badRequest, "limit '\(text)' is not a positive number; use ?limit=N")
    }

    private func deployment(_ context: BasicRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw AdminError(.badRequest, "deployment id '\(context.parameters.get("id") ?? "")' is not a number")
        }
        let entry: HistoryEntry?
        do {
            entry = try await control.deployment(id: id)
        } catch {
            throw AdminError(answering: error)
        }
        guard let entry else { throw AdminError(.notFound, "no deployment \(id); see GET /v1/history for the ids") }
        return try AdminResponse.json(entry)
    }

    private func events(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw AdminError(.badRequest, "deployment id '\(context.parameters.get("id") ?? "")' is not a number")
        }
        let follow = request.uri.queryParameters.get("follow") == "true"
        let feed: ProgressFeed
        do {
            feed = try await control.progress(deployment: id, follow: follow)
        } catch {
            throw AdminError(answering: error)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init { writer in
            try await ProgressLine.write(feed, to: &writer)
            try await writer.finish(nil)
        })
    }

    private func deploy(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let body: DeployRequestBody
        do {
            body = try await request.decode(as: DeployRequestBody.self, context: context)
        } catch {
            throw AdminError(.badRequest, "the body is not a deployment request: \(error); send {\"revision\": \"REV\", \"trigger\": \"cli\"}")
        }
        let trigger = body.trigger ?? "cli"
        guard trigger == "cli" || trigger == "push" else {
            throw AdminError(.badRequest, "trigger '\(trigger)' is not allowed here; use \"cli\" or \"push\"")
        }
        let deployment = DeploymentRequest(ref: body.revision ?? branch, trigger: trigger == "push" ? .push : .cli, who: body.who ?? "",
                                           force: body.force ?? false, immediate: body.immediate ?? false)
        return try await self.request(deployment)
    }

    private func rollback(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let body: RollbackRequestBody
        do {
            body = try await request.decode(as: RollbackRequestBody.self, context: context)
        } catch {
            throw AdminError(.badRequest, "the body is not a rollback request: \(error); send {\"to\": null}")
        }
        return try await self.request(DeploymentRequest(ref: body.to, trigger: .rollback, who: body.who ?? "",
                                                    force: body.force ?? false, immediate: body.immediate ?? false))
    }

    private func request(_ deployment: DeploymentRequest) async throws -> Response {
        do {
            let id = try await control.requestDeployment(deployment)
            return try AdminResponse.json(DeploymentIDAnswer(id: id), status: .accepted)
        } catch let error as DaemonControlError where error.code == .nothingToDo {
            return try AdminResponse.json(DeploymentIDAnswer(id: nil, message: error.message))
        } catch {
            throw AdminError(answering: error)
        }
    }

    private func perform(_ command: OperatorCommand) async throws -> Response {
        do {
            try await control.perform(command)
            return try AdminResponse.json(EmptyAnswer())
        } catch {
            throw AdminError(answering: error)
        }
    }

    private func logs(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let instance = context.parameters.get("instance", as: Int.self) else {
            throw AdminError(.badRequest, "instance '\(context.parameters.get("instance") ?? "")' is not a number")
        }
        let linesText = request.uri.queryParameters.get("lines")
        guard let lines = linesText.map({ Int($0) }) ?? 100, lines >= 0 else {
            throw AdminError(.badRequest, "lines '\(linesText ?? "")' is not a number; use ?lines=N")
        }
        let follow = request.uri.queryParameters.get("follow") == "true"
        let client = request.uri.queryParameters.get("client")
        if let client, !ClientLogs.isClient(client, of: instance) {
            throw AdminError(.badRequest, "'\(client)' is not a client of instance \(instance); "
                + "client ids look like shard-\(instance).3 (see GET /v1/status)")
        }
        let path: String
        let tail: LogTail
        do {
            path = try await control.logFile(instance: instance, client: client)
            tail = try LogTail(path: path, lines: lines)
        } catch {
            throw AdminError(answering: error)
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init { writer in
            try await writer.write(ByteBuffer(bytes: tail.text))
            if follow { try await tail.follow { try await writer.write(ByteBuffer(bytes: $0)) } }
            try await writer.finish(nil)
        })
    }

    private func github(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let webhook else {
            throw AdminError(.notFound, "the GitHub webhook is off; set [webhook] github_secret_file to turn it on")
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let answer = await webhook.handle(
            event: request.headers[.init("X-GitHub-Event")!], delivery: request.headers[.init("X-GitHub-Delivery")!],
            signature: request.headers[.init("X-Hub-Signature-256")!], body: Array(buffer: body)
        )
        return try answer.response()
    }
}
