import Foundation
import TestSupport
import Testing
@testable import UrbanRobot

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
        let hook = try HookInstaller.install(repository: repository, configPath: config, binaryPath: "/usr/local/bin/urban-robot")
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
}
