import Foundation

/// A synthetic bot repository of `fileCount` files and about `totalBytes` bytes, generated once.
///
/// Mostly source-like text files of 2-20 KB in nested folders, a few larger assets, some executable
/// scripts and symlinks; committed with the git CLI and packed, as a fetched mirror would be.
struct GeneratedRepository {
    let path: String
    let fileCount: Int
    let totalBytes: Int

    /// Creates the repository under `parent` unless a complete one is already there.
    static func ensure(under parent: String, fileCount: Int = 5_000, totalBytes: Int = 55_000_000) -> Self {
        let path = "\(parent)/generated-\(fileCount)-\(totalBytes)"
        let repository = Self(path: path, fileCount: fileCount, totalBytes: totalBytes)
        if FileManager.default.fileExists(atPath: "\(path)/.complete") {
            return repository
        }
        try? FileManager.default.removeItem(atPath: path)
        print("generating \(fileCount) files, \(totalBytes / 1_000_000) MB in \(path) (once) ...")
        repository.generate()
        _ = FileManager.default.createFile(atPath: "\(path)/.complete", contents: nil)
        return repository
    }

    /// The repository's git directory.
    var gitDirectory: String { "\(path)/.git" }

    private func generate() {
        let assets = 40
        let assetBytes = totalBytes / 4 / assets
        let textBytes = (totalBytes - assets * assetBytes) / (fileCount - assets)
        var generator = SplitMix64(seed: 42)
        for index in 0..<fileCount {
            let folder = "pkg\(index % 50)/module\(index % 7)"
            let isAsset = index < assets
            let name = isAsset ? "assets/blob\(index).bin" : "\(folder)/file\(index).py"
            let size = isAsset ? assetBytes : Int.random(in: textBytes / 2...textBytes * 3 / 2, using: &generator)
            let url = URL(fileURLWithPath: "\(path)/\(name)")
            try? FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let bytes = isAsset ? randomBytes(size, using: &generator) : sourceLikeText(size, using: &generator)
            _ = FileManager.default.createFile(
                atPath: url.path, contents: bytes, attributes: [.posixPermissions: index % 100 == 7 ? 0o755 : 0o644])
            if index % 500 == 9 {
                try? FileManager.default.createSymbolicLink(
                    atPath: "\(path)/\(folder)/link\(index).py", withDestinationPath: "file\(index).py")
            }
        }
        let git = "git -C \(Shell.quote(path))"
        Shell.run("\(git) init -q -b main && \(git) add -A && \(git) commit -q -m 'generated bot' && \(git) gc -q")
    }

    private func randomBytes(_ count: Int, using generator: inout SplitMix64) -> Data {
        var data = Data(count: count)
        data.withUnsafeMutableBytes { buffer in
            for index in stride(from: 0, to: count - 7, by: 8) {
                buffer.storeBytes(of: generator.next(), toByteOffset: index, as: UInt64.self)
            }
        }
        return data
    }

    private func sourceLikeText(_ count: Int, using generator: inout SplitMix64) -> Data {
        let words = ["def", "return", "self", "await", "import", "class", "for", "in", "if", "else", "None",
                     "ctx", "bot", "guild", "member", "channel", "message", "embed", "cog", "health"]
        var text = ""
        text.reserveCapacity(count + 16)
        while text.utf8.count < count {
            text += words[Int(generator.next() % UInt64(words.count))]
            text += generator.next() % 9 == 0 ? "\n    " : " "
            text += String(generator.next() % 100_000, radix: 36)
            text += " "
        }
        return Data(text.utf8.prefix(count))
    }
}

/// A small deterministic random number generator, so every run generates the same repository.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
