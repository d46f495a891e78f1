import Deployer
import Foundation

/// The secret the launch keys are derived from (``DerivedKeySource``), in `<state>/launch.secret` (0600), made on
/// the first start. The store keeps only each key's hash; with this secret a restarted daemon knows the key of every
/// client it adopts, so that the client's log is redacted of it as it was at the launch.
enum LaunchKeySecret {
    /// The file of a state folder.
    static func path(stateDirectory: String) -> String {
        "\(stateDirectory)/launch.secret"
    }

    /// The key source of `stateDirectory`'s secret, made (0600) when the file is missing; an existing file that
    /// others may read is made 0600.
    /// - Throws: ``DaemonError`` `.stateFolder` naming the file and what to do.
    static func keySource(stateDirectory: String) throws -> DerivedKeySource {
        let file = path(stateDirectory: stateDirectory)
        if !FileManager.default.fileExists(atPath: file) {
            switch PrivateFile.createSecret(file) {
            case .created(let secret): return DerivedKeySource(secret: secret)
            case .exists: break
            case .failed(let why): throw DaemonError(.stateFolder, "the launch key secret \(file): \(why)")
            }
        }
        try PrivateFile.tighten(file)
        let text = FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else {
            throw DaemonError(.stateFolder, "the launch key secret \(file) is empty or unreadable; delete it and start "
                + "the daemon again (a new one is made; the bots running then keep their keys, but their logs after "
                + "this start are no longer redacted of them)")
        }
        return DerivedKeySource(secret: secret)
    }
}
