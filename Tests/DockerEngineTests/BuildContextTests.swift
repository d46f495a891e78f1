import DockerEngine
import Foundation
import Testing
import TestSupport

/// The build context's tar, read back by GNU tar.
struct BuildContextTests {
    @Test func aFolderWithLongPathsLinksAndAnExtraFileIsReadBackByTar() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("context-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let deep = "\(folder)/" + Array(repeating: "a-rather-long-folder-name", count: 6).joined(separator: "/")
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        try "deep\n".write(toFile: "\(deep)/file.txt", atomically: true, encoding: .utf8)
        try "#!/bin/sh\n".write(toFile: "\(folder)/run.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(folder)/run.sh")
        try FileManager.default.createSymbolicLink(atPath: "\(folder)/link", withDestinationPath: "run.sh")

        let archive = try BuildContext.tar(folder: folder, extra: ["Extra.Dockerfile": Data("FROM x\n".utf8)])
        let file = "\(folder).tar"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try archive.write(to: URL(fileURLWithPath: file))
        let listing = try await Command.run(["tar", "-tvf", file])
        #expect(listing.status == 0, "\(listing)")
        let lines = listing.outputLines
        let longPath = String(deep.dropFirst(folder.count + 1)) + "/file.txt"
        #expect(longPath.utf8.count > 100)
        #expect(lines.contains { $0.hasSuffix(" " + longPath) }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("-rwxr-xr-x") && $0.hasSuffix(" run.sh") })
        #expect(lines.contains { $0.hasPrefix("l") && $0.hasSuffix(" link -> run.sh") })
        #expect(lines.contains { $0.hasSuffix(" Extra.Dockerfile") })
        let content = try await Command.run(["tar", "-xOf", file, longPath])
        #expect(content.outputLines == ["deep"])
    }

    @Test func aPAXRecordCountsItsOwnLength() {
        #expect(BuildContext.paxRecord("path", "a") == "9 path=a\n")
        let record = BuildContext.paxRecord("path", String(repeating: "x", count: 95))
        #expect(record.utf8.count == Int(record.prefix { $0 != " " }))
    }
}
