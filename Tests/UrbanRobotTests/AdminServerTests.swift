@testable import AdminAPI
import AsyncHTTPClient
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
@testable import FleetOperator
import FleetTypes
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@Suite("Admin API", .serialized, .timeLimit(.minutes(2)))
struct AdminServerTests {
    static let guardedRoutes: [(NIOHTTP1.HTTPMethod, String)] = [
        (.GET, "/v1/status"), (.GET, "/v1/history"), (.GET, "/v1/deployments/5"), (.GET, "/v1/deployments/5/events"),
        (.POST, "/v1/deployments"), (.POST, "/v1/rollback"), (.POST, "/v1/abort"), (.POST, "/v1/promote"),
        (.POST, "/v1/resume"), (.GET, "/v1/logs/0"), (.GET, "/metrics"), (.GET, "/v1/events"), (.GET, "/v1/nothing"),
    ]

    @Test("no token or a wrong one: 401 on every route, and the daemon is never asked")
    func unauthorized() async throws {
        try await AdminServerHarness.run { server in
            for (method, path) in Self.guardedRoutes {
                for token in [nil, "wrong", AdminServerHarness.token.value + "x", ""] as [String?] {
                    let answer = try await server.request(method, path, token: token, body: Array(#"{"revision": "main"}"#.utf8))
                    #expect(answer.status == 401, "\(method) \(path) with \(token ?? "no token")")
                    #expect(try AdminServerHarness.object(answer.body)["error"] as? String == "unauthorized")
                }
            }
            #expect(server.control.calls.isEmpty)
        }
    }

    @Test("status and history are the stable JSON, with every key")
    func statusAndHistory() async throws {
        try await AdminServerHarness.run { server in
            let status = try await server.request(.GET, "/v1/status")
            #expect(status.status == 200)
            let object = try AdminServerHarness.object(status.body)
            #expect(Set(object.keys) == ["state", "halt_reason", "revision", "last_good", "deployment", "instances", "bad", "store_error"])
            #expect((object["bad"] as? [Any])?.isEmpty == true, "bad is written, [] when no revision is marked")
            #expect(try await server.client.status() == Fixtures.status)
            #expect(try await server.client.history(limit: 2) == Array(Fixtures.history.prefix(2)))
            #expect(try await server.client.history(limit: 20) == Fixtures.history)
            let history = try await server.request(.GET, "/v1/history")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(history.body.utf8)) as? [[String: Any]])
            #expect(rows.count == 3)
            #expect(Set(rows[0].keys) == ["id", "revision", "trigger", "outcome", "reason", "started_at", "finished_at"])
            #expect(server.control.calls.contains("history 20"))
            #expect(try await server.request(.GET, "/v1/history?limit=x").status == 400)
            #expect(try await server.request(.GET, "/v1/history?limit=0").status == 400)
        }
    }

    @Test("events outside deployments: newest first, every key, routine ones only when asked, a bad limit is 400")
    func recentEvents() async throws {
        let control = TestDaemonControl()
        let crashLoop = ProgressEvent(time: Date(timeIntervalSince1970: 1_795_000_300), deployment: nil, kind: "instance.crash_loop",
                                      instance: 1, detail: ["exits": "3"], message: "instance 1 is crash-looping.")
        let probe = ProgressEvent(time: Date(timeIntervalSince1970: 1_795_000_200), deployment: nil, kind: "health.probe_passed",
                                  instance: 0, client: "shard-0.4", detail: ["routine": "true"],
                                  message: "shard-0.4 passed a periodic health check.")
        let exited = ProgressEvent(time: Date(timeIntervalSince1970: 1_795_000_100), deployment: nil, kind: "client.exited",
                                   instance: 1, client: "shard-1.2", detail: ["exit": "status 1"], message: "shard-1.2 exited (status 1).")
        control.state.withLock { $0.recentEvents = [crashLoop, probe, exited] }
        try await AdminServerHarness.run(control: control) { server in
            #expect(try await server.client.recentEvents(limit: 50, routine: false) == [crashLoop, exited])
            #expect(try await server.client.recentEvents(limit: 2, routine: true) == [crashLoop, probe])
            let answer = try await server.request(.GET, "/v1/events")
            #expect(answer.status == 200)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [[String: Any]])
            #expect(rows.count == 2)
            #expect(Set(rows[0].keys) == ["time", "deployment", "kind", "instance", "client", "detail", "message"])
            #expect(rows[0]["deployment"] is NSNull && rows[0]["client"] is NSNull, "every key is written, null included")
            #expect(control.calls.contains("events 50 false"))
            #expect(try await server.request(.GET, "/v1/events?limit=0").status == 400)
            #expect(try await server.request(.GET, "/v1/events?limit=many").status == 400)
        }
        let table = EventsTable.render([crashLoop, exited]).split(separator: "\n").map(String.init)
        #expect(table == [
            "TIME (UTC)           KIND                 INST  CLIENT     WHAT",
            "2026-11-18 11:11:40  instance.crash_loop  1     -          instance 1 is crash-looping.",
            "2026-11-18 11:08:20  client.exited        1     shard-1.2  shard-1.2 exited (status 1).",
        ])
        #expect(EventsTable.render([]) == "no events outside deployments yet")
    }

    @Test("one deployment: 200, 404 for an unknown id, 400 for a malformed one")
    func deployment() async throws {
        try await AdminServerHarness.run { server in
            #expect(try await server.client.deployment(id: 5) == Fixtures.history[1])
            let missing = try await server.request(.GET, "/v1/deployments/99")
            #expect(missing.status == 404)
            #expect((try AdminServerHarness.object(missing.body)["error"] as? String)?.contains("99") == true)
            #expect(try await server.request(.GET, "/v1/deployments/abc").status == 400)
            #expect(try await server.request(.GET, "/v1/no-such-route").status == 404)
        }
    }

    @Test("deploy and rollback: 202 with the id, the request as asked; 409 when refused; 400 when malformed")
    func deployAndRollback() async throws {
        try await AdminServerHarness.run { server in
            let id = try await server.client.deploy(revision: "v2", trigger: .push, force: true, immediate: false, who: "alice")
            #expect(id == .deployment(7))
            let branch = try await server.client.deploy(revision: nil, trigger: .cli, force: false, immediate: true, who: "bob")
            #expect(branch == .deployment(8))
            let rollback = try await server.client.rollback(to: nil, force: false, immediate: true, who: "carol")
            #expect(rollback == .deployment(9))
            #expect(server.control.requests == [
                DeploymentRequest(ref: "v2", trigger: .push, who: "alice", force: true, immediate: false),
                DeploymentRequest(ref: "main", trigger: .cli, who: "bob", force: false, immediate: true),
                DeploymentRequest(ref: nil, trigger: .rollback, who: "carol", force: false, immediate: true),
            ])
            let raw = try await server.request(.POST, "/v1/deployments", body: Array(#"{"revision": "x"}"#.utf8))
            #expect(raw.status == 202)
            #expect(try AdminServerHarness.object(raw.body)["id"] as? Int == 10)
            #expect(try await server.request(.POST, "/v1/deployments", body: Array("not json".utf8)).status == 400)
            #expect(try await server.request(.POST, "/v1/deployments", body: Array(#"{"trigger": "poll"}"#.utf8)).status == 400)
            #expect(try await server.request(.POST, "/v1/rollback", body: Array("[]".utf8)).status == 400)
            #expect(server.control.requests.count == 4)

            server.control.state.withLock { $0.refusal = DaemonControlError(code: .refused, message: "halted: crash loop") }
            let error = await #expect(throws: AdminClientError.self) {
                _ = try await server.client.deploy(revision: "v3", trigger: .push, force: false, immediate: false, who: "")
            }
            #expect(error?.code == .refused)
            #expect(error?.status == 409)
            #expect(error?.message == "halted: crash loop")
            #expect(try await server.request(.POST, "/v1/rollback", body: Array("{}".utf8)).status == 409)

            server.control.state.withLock {
                $0.refusal = DaemonControlError(code: .nothingToDo, message: "v1 already serves every instance")
            }
            let noop = try await server.request(.POST, "/v1/deployments", body: Array(#"{"revision": "v1"}"#.utf8))
            #expect(noop.status == 200)
            let object = try AdminServerHarness.object(noop.body)
            #expect(object["id"] is NSNull && object["message"] as? String == "v1 already serves every instance")
            #expect(try await server.client.deploy(revision: "v1", trigger: .push, force: false, immediate: false, who: "")
                    == .nothingToDo("v1 already serves every instance"))
            server.control.state.withLock {
                $0.refusal = DaemonControlError(code: .invalid, message: "unknown revision 'nope'")
            }
            #expect(try await server.request(.POST, "/v1/deployments", body: Array(#"{"revision": "nope"}"#.utf8)).status == 400)
        }
    }

    @Test("abort, promote, resume: 200 {}; 409 when the daemon refuses; 400 and 404 mapped")
    func operatorCommands() async throws {
        try await AdminServerHarness.run { server in
            for command in [OperatorCommand.abort, .promote, .resume] {
                try await server.client.perform(command)
            }
            #expect(server.control.commands == [.abort, .promote, .resume])
            let answer = try await server.request(.POST, "/v1/promote")
            #expect(answer.status == 200)
            #expect(answer.body == "{}")
            let codes: [(DaemonControlError.Code, Int)] = [(.refused, 409), (.notFound, 404), (.invalid, 400)]
            for (code, status) in codes {
                server.control.state.withLock { $0.refusal = DaemonControlError(code: code, message: "nothing to abort") }
                let refused = try await server.request(.POST, "/v1/abort")
                #expect(refused.status == status)
                #expect(try AdminServerHarness.object(refused.body)["error"] as? String == "nothing to abort")
            }
        }
    }

    @Test("events: NDJSON from the start; with follow the stream stays open and ends at finished")
    func events() async throws {
        let control = TestDaemonControl()
        control.emit(Fixtures.event("deployment.started", "deployment #6 of main started (push)"))
        control.emit(Fixtures.event("rollout.wave", "canary: instance 0", detail: ["wave": "0"]))
        try await AdminServerHarness.run(control: control) { server in
            let snapshot = try await server.request(.GET, "/v1/deployments/6/events")
            #expect(snapshot.status == 200)
            let lines = snapshot.body.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(try AdminServerHarness.object(String(lines[0]))["kind"] as? String == "deployment.started")

            let stream = try await server.client.events(deployment: 6, follow: true)
            var received: [ProgressEvent] = []
            for try await event in stream {
                received.append(event)
                if received.count == 2 {
                    control.emit(Fixtures.event("gate.passed", "shard-0.5 passed its gate", instance: 0, client: "shard-0.5"))
                    control.emit(Fixtures.event(ProgressEvent.finishedKind, "deployment #6 succeeded",
                                                detail: ["outcome": "succeeded", "reason": ""]))
                }
            }
            #expect(received.map(\.kind) == ["deployment.started", "rollout.wave", "gate.passed", "finished"])
            #expect(received[2].client == "shard-0.5")
            let last = try await server.request(.GET, "/v1/deployments/6/events?follow=true")
            let finished = try AdminServerHarness.object(String(last.body.split(separator: "\n").last ?? ""))
            #expect(finished["kind"] as? String == "finished")
            #expect(finished["outcome"] as? String == "succeeded")
            #expect(finished.keys.contains("reason"))
        }
    }

    @Test("a follow stream ends when the server shuts down gracefully")
    func followEndsOnShutdown() async throws {
        let control = TestDaemonControl()
        control.emit(Fixtures.event("deployment.started", "started"))
        let received = try await AdminServerHarness.run(control: control) { server in
            let stream = try await server.client.events(deployment: 6, follow: true)
            var iterator = stream.makeAsyncIterator()
            return try await iterator.next()?.kind
        }
        #expect(received == "deployment.started")
    }

    @Test("logs: the last lines, 404 for an unknown instance, and follow sends appended lines")
    func logs() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("urban-robot-logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("shard-0.4.log")
        try Data((1...150).map { "line \($0)\n" }.joined().utf8).write(to: file)
        let control = TestDaemonControl()
        control.state.withLock { $0.logFile = file.path }
        try await AdminServerHarness.run(control: control) { server in
            let tail = try await server.request(.GET, "/v1/logs/0?lines=3&client=shard-0.4")
            #expect(tail.status == 200)
            #expect(tail.body == "line 148\nline 149\nline 150\n")
            #expect(control.calls.contains("logs 0 shard-0.4"))
            let standard = try await server.request(.GET, "/v1/logs/0")
            #expect(standard.body.split(separator: "\n").count == 100)
            #expect(try await server.request(.GET, "/v1/logs/3").status == 404)
            #expect(try await server.request(.GET, "/v1/logs/0?lines=many").status == 400)

            let body = try await server.client.logs(instance: 0, client: nil, lines: 1, follow: true)
            var text = ""
            for try await chunk in body {
                text += String(decoding: chunk, as: UTF8.self)
                if text == "line 150\n" {
                    let handle = try FileHandle(forWritingTo: file)
                    try handle.seekToEnd()
                    try handle.write(contentsOf: Data("line 151\nline 152\n".utf8))
                    try handle.close()
                }
                if text.hasSuffix("line 152\n") { break }
            }
            #expect(text == "line 150\nline 151\nline 152\n")
        }
    }

    @Test("logs: a client that is not one of the instance's is refused before the daemon is asked; no request names a path")
    func logsRefuseOtherNames() async throws {
        let control = TestDaemonControl()
        control.state.withLock { $0.logFile = "/etc/hostname" }
        try await AdminServerHarness.run(control: control) { server in
            for client in ["../../../../var/log/dpkg", "shard-0.4/../../x", "shard-1.4", "shard-0.", "shard-0.4.log", "/etc/hostname"] {
                let query = client.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? client
                let answer = try await server.request(.GET, "/v1/logs/0?client=\(query)")
                #expect(answer.status == 400, "client \(client)")
                #expect(answer.body.contains("is not a client of instance 0"), "\(answer.body)")
            }
            #expect(!control.calls.contains { $0.hasPrefix("logs") })
            #expect(try await server.request(.GET, "/v1/logs/0?client=unmanaged-0.2").status == 200)
        }
    }

    @Test("metrics: Prometheus text with every family")
    func metrics() async throws {
        let metrics = DaemonMetrics(channelSessions: { 3 })
        try await AdminServerHarness.run(metrics: metrics) { server in
            let answer = try await server.request(.GET, "/metrics")
            #expect(answer.status == 200)
            #expect(answer.body.contains("urban_robot_channel_sessions 3.0"))
            #expect(answer.body.contains(#"urban_robot_instances{role="active",state="serving"} 2.0"#))
        }
    }

    @Test("a daemon that does not run is named as such")
    func notRunning() async throws {
        let client = AdminClient(listen: ListenAddress(host: "127.0.0.1", port: 1), token: AdminServerHarness.token)
        let error = await #expect(throws: AdminClientError.self) { _ = try await client.status() }
        #expect(error?.code == .notRunning)
        #expect(error?.message.contains("urban-robot serve") == true)
        var configuration = Configuration()
        configuration.state.directory = "/nonexistent/urban-robot-state"
        let missing = #expect(throws: AdminClientError.self) { _ = try AdminClient(configuration: configuration) }
        #expect(missing?.code == .notRunning)
    }
}
