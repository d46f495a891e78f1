import Foundation
import TestSupport

/// A bare git repository made by a test, holding the example bot (`Deploy/bot`) at several revisions that
/// differ by their `simulate.json`.
struct BotRepository {
    /// The bare repository (the daemon's `source.url`).
    let url: String
    /// The working copy, at the newest commit.
    var workingCopy: String { work }
    private let work: String

    /// The package's root folder.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Makes the bare repository and a working copy in `folder`.
    init(in folder: String) async throws {
        url = "\(folder)/source.git"
        work = "\(folder)/work"
        try await Self.git(["init", "--quiet", "--bare", "--initial-branch=main", url], in: folder)
        try await Self.git(["init", "--quiet", "--initial-branch=main", work], in: folder)
        for file in ["bot.py", "urban_robot_client.py"] {
            try FileManager.default.copyItem(atPath: "\(Self.packageRoot)/Deploy/bot/\(file)", toPath: "\(work)/\(file)")
        }
    }

    /// Commits the bot with this `simulate.json` (nil: none, healthy), a `VERSION` file and `files` (name: content),
    /// pushes it to the bare repository's `main`, and returns the full commit id.
    func commit(_ name: String, simulate: String?, files: [String: String] = [:]) async throws -> String {
        for (file, content) in files { try content.write(toFile: "\(work)/\(file)", atomically: true, encoding: .utf8) }
        let simulatePath = "\(work)/simulate.json"
        if let simulate {
            try simulate.write(toFile: simulatePath, atomically: true, encoding: .utf8)
        } else if FileManager.default.fileExists(atPath: simulatePath) {
            try FileManager.default.removeItem(atPath: simulatePath)
        }
        try name.write(toFile: "\(work)/VERSION", atomically: true, encoding: .utf8)
        try await Self.git(["add", "--all"], in: work)
        try await Self.git(["-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "--quiet", "-m", name], in: work)
        try await Self.git(["push", "--quiet", url, "HEAD:refs/heads/main"], in: work)
        return try await Self.git(["rev-parse", "HEAD"], in: work)
    }

    /// A fresh temporary folder holding a repository whose first revision, `v1`, is healthy.
    static func withHealthyFirstRevision() async throws -> (folder: String, repository: BotRepository, v1: String) {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("urban-robot-it-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let repository = try await BotRepository(in: folder)
        return (folder, repository, try await repository.commit("v1", simulate: nil))
    }

    /// Runs git and returns its trimmed standard output.
    /// - Throws: ``CommandFailure`` when it fails.
    @discardableResult
    static func git(_ arguments: [String], in directory: String) async throws -> String {
        try await Command.output(["git"] + arguments, in: directory)
    }
}

/// A failed step of an integration test.
struct IntegrationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
