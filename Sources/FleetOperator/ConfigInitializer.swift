import FleetConfiguration
import Foundation

/// `urban-robot init [DIR | -c FILE]`: writes `DIR/urban-robot.toml` or FILE (the commented example of
/// ``ConfigurationTemplate`` with its state in `state` next to the file) and creates that state folder.
public enum ConfigInitializer {
    /// The file name `init` writes.
    public static let fileName = "urban-robot.toml"

    /// Initializes `directory` (relative to the working directory unless absolute); returns the
    /// absolute path of the configuration written.
    ///
    /// - Throws: ``ConfigInitializerError`` when a configuration is already there (it is never
    ///   overwritten) or a file cannot be written.
    public static func initialize(directory: String) throws -> String {
        try initialize(file: (directory as NSString).appendingPathComponent(fileName))
    }

    /// Writes the configuration to `path` (relative to the working directory unless absolute), with
    /// its state folder `state` in the file's folder; returns the absolute path of the file.
    ///
    /// - Throws: ``ConfigInitializerError`` when `path` already exists (it is never overwritten) or
    ///   a file cannot be written.
    public static func initialize(file path: String) throws -> String {
        let file = URL(fileURLWithPath: path).standardizedFileURL.path
        let state = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent("state")
        guard !FileManager.default.fileExists(atPath: file) else {
            throw ConfigInitializerError(code: .exists, path: file,
                                         message: "a configuration is already there; edit it, or delete it to start over")
        }
        do {
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let text = ConfigurationTemplate.render(stateDirectory: state)
            guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            throw ConfigInitializerError(code: .io, path: file, message: "cannot write it: \(error.localizedDescription)")
        }
        return file
    }
}

/// `urban-robot init` cannot write its configuration.
public struct ConfigInitializerError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public struct Code: Hashable, Sendable {
        private let name: String
        /// A configuration file is already there.
        public static let exists = Code(name: "exists")
        /// A file or folder cannot be written.
        public static let io = Code(name: "io")
    }

    /// Why.
    public var code: Code
    /// The configuration file.
    public var path: String
    /// What is wrong and what to do.
    public var message: String

    /// `PATH: MESSAGE`.
    public var description: String { "\(path): \(message)" }
}
