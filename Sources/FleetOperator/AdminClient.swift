public import AdminAPI
public import AsyncHTTPClient
public import FleetTypes
public import FleetConfiguration
public import Foundation
import NIOCore
import NIOHTTP1

/// The CLI's side of the admin API: one method per route of docs/admin-api.md.
///
/// ```swift
/// let client = try AdminClient(configuration: try ConfigurationLoader.load(path: path))
/// let status = try await client.status()
/// ```
public struct AdminClient: Sendable {
    /// `http://host:port` of the admin API.
    public let baseURL: String
    let token: AdminToken
    let httpClient: HTTPClient

    /// The HTTP client the CLI uses: it fails at once when nothing listens (no retries of the
    /// connection until a deadline), so "the daemon does not run" is said without a wait. Never shut
    /// down, like `HTTPClient.shared`: it lives as long as the process.
    public static let operatorHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// A client of the daemon listening on `listen`, authenticating with `token`.
    public init(listen: ListenAddress, token: AdminToken, httpClient: HTTPClient = operatorHTTPClient) {
        let host = listen.host == "0.0.0.0" ? "127.0.0.1" : listen.host == "::" ? "::1" : listen.host
        self.baseURL = "http://\(ListenAddress(host: host, port: listen.port))"
        self.token = token
        self.httpClient = httpClient
    }

    /// A client of the daemon of `configuration`: `[admin] listen`, and the token in `[state] dir`.
    ///
    /// - Throws: ``AdminClientError`` with code `.notRunning` when there is no token file yet.
    public init(configuration: Configuration, httpClient: HTTPClient = operatorHTTPClient) throws {
        let token: AdminToken
        do {
            token = try AdminToken.load(stateDirectory: configuration.state.directory)
        } catch {
            throw AdminClientError(code: .notRunning, message: "\(error)")
        }
        self.init(listen: configuration.admin.listen, token: token, httpClient: httpClient)
    }

    /// `GET /v1/status`, as the daemon sent it (the stable `status --json`).
    public func statusJSON() async throws -> Data {
        try await send(.GET, "/v1/status").body
    }

    /// `GET /v1/status`.
    public func status() async throws -> StatusSnapshot {
        try Self.decode(StatusSnapshot.self, from: try await statusJSON())
    }

    /// `GET /v1/history?limit=N`, as the daemon sent it (the stable `history --json`).
    public func historyJSON(limit: Int) async throws -> Data {
        try await send(.GET, "/v1/history?limit=\(limit)").body
    }

    /// `GET /v1/history?limit=N`.
    public func history(limit: Int) async throws -> [HistoryEntry] {
        try Self.decode([HistoryEntry].self, from: try await historyJSON(limit: limit))
    }

    /// `GET /v1/events?limit=N[&routine=true]`, as the daemon sent it.
    public func recentEventsJSON(limit: Int, routine: Bool) async throws -> Data {
        try await send(.GET, "/v1/events?limit=\(limit)\(routine ? "&routine=true" : "")").body
    }

    /// `GET /v1/events?limit=N[&routine=true]`: the newest events outside any deployment, newest first.
    public func recentEvents(limit: Int, routine: Bool) async throws -> [ProgressEvent] {
        try Self.decode([ProgressEvent].self, from: try await recentEventsJSON(limit: limit, routine: routine))
    }

    /// `GET /v1/deployments/{id}`.
    public func deployment(id: Int) async throws -> HistoryEntry {
        try Self.decode(HistoryEntry.self, from: try await send(.GET, "/v1/deployments/\(id)").body)
    }

    /// `POST /v1/deployments`. A nil `revision` deploys the configured branch.
    public func deploy(
        revision: String?, trigger: Trigger, force: Bool, immediate: Bool, who: String
    ) async throws -> DeploymentAnswer {
        let body = DeployRequestBody(revision: revision, trigger: trigger.rawValue, force: force, immediate: immediate, who: who)
        return try Self.answer(try await send(.POST, "/v1/deployments", json: body).body)
    }

    /// `POST /v1/rollback`. A nil `target` rolls back to the last good revision.
    public func rollback(to target: String?, force: Bool, immediate: Bool, who: String) async throws -> DeploymentAnswer {
        let body = RollbackRequestBody(to: target, force: force, immediate: immediate, who: who)
        return try Self.answer(try await send(.POST, "/v1/rollback", json: body).body)
    }

    private static func answer(_ body: Data) throws -> DeploymentAnswer {
        let answer = try decode(DeploymentIDAnswer.self, from: body)
        if let id = answer.id { return .deployment(id) }
        return .nothingToDo(answer.message ?? "nothing to do")
    }

    /// `POST /v1/abort`, `/v1/promote` or `/v1/resume`.
    public func perform(_ command: OperatorCommand) async throws {
        let name = switch command {
        case .abort: "abort"
        case .promote: "promote"
        case .resume: "resume"
        }
        _ = try await send(.POST, "/v1/\(name)", json: [String: String]())
    }

    /// `GET /v1/deployments/{id}/events`: the deployment's progress events, one per line.
    public func events(deployment id: Int, follow: Bool) async throws -> ProgressEventSequence {
        ProgressEventSequence(body: try await open("/v1/deployments/\(id)/events\(follow ? "?follow=true" : "")", streaming: follow).body)
    }

    /// `GET /v1/logs/{instance}`: the log's last `lines` lines, then, with `follow`, what is appended.
    public func logs(instance: Int, client: String?, lines: Int, follow: Bool) async throws -> LogChunkSequence {
        var query = "lines=\(lines)"
        if let client { query += "&client=\(client.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? client)" }
        if follow { query += "&follow=true" }
        return LogChunkSequence(body: try await open("/v1/logs/\(instance)?\(query)", streaming: follow).body)
    }
}
