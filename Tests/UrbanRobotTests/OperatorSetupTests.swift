import ArgumentParser
@testable import FleetConfiguration
@testable import FleetOperator
import Foundation
import TestSupport
import Testing
@testable import urban_robot

@Suite("init and hook install", .serialized)
struct OperatorSetupTests {
    static func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("urban-robot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("init writes a configuration that loads, with its state folder, and never overwrites it")
    func initialize() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = (folder as NSString).appendingPathComponent("bot")
        let file = try ConfigInitializer.initialize(directory: target)
        #expect(file == (target as NSString).appendingPathComponent("urban-robot.toml"))
        let configuration = try ConfigurationLoader.load(path: file)
        #expect(configuration.state.directory == (target as NSString).appendingPathComponent("state"))
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: configuration.state.directory, isDirectory: &isFolder) && isFolder.boolValue)
        try Data("# mine\n".utf8).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: ConfigInitializerError.self) { try ConfigInitializer.initialize(directory: target) }
        #expect(error?.code == .exists)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "# mine\n")
    }

    @Test("init -c FILE writes FILE with its state next to it, never overwrites it, and is refused with a DIR")
    func initializeFile() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let etc = (folder as NSString).appendingPathComponent("etc")
        let file = (etc as NSString).appendingPathComponent("bot.toml")
        let command = try #require(try UrbanRobotCommand.parseAsRoot(["init", "-c", file]) as? InitCommand)
        try await command.run()
        let configuration = try ConfigurationLoader.load(path: file)
        #expect(configuration.state.directory == (etc as NSString).appendingPathComponent("state"))
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: configuration.state.directory, isDirectory: &isFolder) && isFolder.boolValue)
        #expect(try FileManager.default.contentsOfDirectory(atPath: etc).sorted() == ["bot.toml", "state"])

        try Data("# mine\n".utf8).write(to: URL(fileURLWithPath: file))
        let error = await #expect(throws: ConfigInitializerError.self) { try await command.run() }
        #expect(error?.code == .exists && error?.path == file)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "# mine\n")

        let both = #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["init", "-c", file, folder]) }
        let message = both.map { UrbanRobotCommand.message(for: $0) } ?? ""
        #expect(message.contains(file) && message.contains(folder), "\(message)")
    }

    @Test("the embedded hook is Hooks/post-receive byte for byte")
    func embeddedHook() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("Hooks/post-receive"), encoding: .utf8)
        #expect(PostReceiveHook.text == file)
    }

    @Test("hook install: the hook (0755) and the two git config keys, read back with the git CLI")
    func hookInstall() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let repository = (folder as NSString).appendingPathComponent("bot.git")
        try await Command.output(["git", "init", "--bare", "--quiet", repository])
        let config = try ConfigInitializer.initialize(directory: (folder as NSString).appendingPathComponent("conf"))
        let installation = try HookInstaller.install(repository: repository, configPath: config, binaryPath: "/usr/local/bin/urban-robot")
        let hook = installation.hook
        #expect(installation.keptPreviousHook == nil)
        #expect(hook == (repository as NSString).appendingPathComponent("hooks/post-receive"))
        #expect(try String(contentsOfFile: hook, encoding: .utf8) == PostReceiveHook.text)
        let mode = try FileManager.default.attributesOfItem(atPath: hook)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o755)
        #expect(try await Command.output(["git", "--git-dir", repository, "config", "--get", "urban-robot.config"]) == config)
        #expect(try await Command.output(["git", "--git-dir", repository, "config", "--get", "urban-robot.binary"]) == "/usr/local/bin/urban-robot")
        #expect(HookInstaller.currentExecutable().hasPrefix("/"))

        let error = #expect(throws: HookInstallError.self) {
            try HookInstaller.install(repository: (folder as NSString).appendingPathComponent("missing.git"), configPath: config)
        }
        #expect(error?.code == .git)
        #expect(throws: HookInstallError.self) {
            try HookInstaller.install(repository: repository, configPath: (folder as NSString).appendingPathComponent("none.toml"))
        }
    }

    @Test("hook install refuses a repository with a work tree, naming it")
    func hookInstallRefusesNonBare() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let repository = (folder as NSString).appendingPathComponent("work")
        try await Command.output(["git", "init", "--quiet", repository])
        let config = try ConfigInitializer.initialize(directory: (folder as NSString).appendingPathComponent("conf"))
        let error = #expect(throws: HookInstallError.self) {
            try HookInstaller.install(repository: repository, configPath: config, binaryPath: "/bin/true")
        }
        #expect(error?.code == .notBare)
        #expect(error?.description.contains(repository) == true)
        #expect(error?.description.contains("not a bare repository") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(repository)/.git/hooks/post-receive"))
    }

    @Test("hook install keeps an existing post-receive beside it, and the new hook runs it with the push's input")
    func hookInstallChainsExistingHook() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let repository = (folder as NSString).appendingPathComponent("bot.git")
        try await Command.output(["git", "init", "--bare", "--quiet", "-b", "main", repository])
        let received = (folder as NSString).appendingPathComponent("received")
        let oldHook = "#!/bin/sh\ncat > '\(received)'\n"
        let hookPath = "\(repository)/hooks/post-receive"
        try oldHook.write(toFile: hookPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hookPath)
        let config = try ConfigInitializer.initialize(directory: (folder as NSString).appendingPathComponent("conf"))

        let installation = try HookInstaller.install(repository: repository, configPath: config, binaryPath: "/bin/true")
        let kept = "\(repository)/hooks/\(HookInstaller.previousHookName)"
        #expect(installation.keptPreviousHook == kept)
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == oldHook)
        #expect(try String(contentsOfFile: hookPath, encoding: .utf8) == PostReceiveHook.text)
        let again = try HookInstaller.install(repository: repository, configPath: config, binaryPath: "/bin/true")
        #expect(again.keptPreviousHook == kept)
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == oldHook)

        let work = (folder as NSString).appendingPathComponent("work")
        let environment = ProcessInfo.processInfo.environment.merging([
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "a",
            "GIT_AUTHOR_EMAIL": "a@example.invalid", "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.invalid",
        ]) { $1 }
        try await Command.output(["git", "init", "--quiet", "-b", "main", work], environment: environment)
        try await Command.output(["git", "-C", work, "commit", "--quiet", "--allow-empty", "-m", "one"], environment: environment)
        let id = try await Command.output(["git", "-C", work, "rev-parse", "HEAD"], environment: environment)
        try await Command.output(["git", "-C", work, "push", "--quiet", repository, "main"], environment: environment)
        let input = try String(contentsOfFile: received, encoding: .utf8)
        #expect(input == "0000000000000000000000000000000000000000 \(id) refs/heads/main\n")
    }
}
