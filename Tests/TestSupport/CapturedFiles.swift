import Foundation

/// The temporary files a ``Command`` child reads its input from and writes its output to.
///
/// Files rather than pipes: nothing has to drain them while the child runs, so the caller only
/// waits for the exit.
struct CapturedFiles {
    let input: FileHandle
    let output: FileHandle
    let errors: FileHandle
    private let folder: URL

    /// Makes a private folder with the output files and, when `input` is given, the input file.
    init(input bytes: Data?) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func file(_ name: String, _ contents: Data) throws -> URL {
            let url = folder.appendingPathComponent(name)
            try contents.write(to: url)
            return url
        }
        input = try bytes.map { try FileHandle(forReadingFrom: file("input", $0)) } ?? FileHandle.nullDevice
        output = try FileHandle(forWritingTo: file("output", Data()))
        errors = try FileHandle(forWritingTo: file("errors", Data()))
        self.folder = folder
    }

    /// The standard output written so far.
    func readOutput() -> String { read("output") }

    /// The standard error written so far.
    func readErrors() -> String { read("errors") }

    /// Closes the files and removes the folder.
    func remove() {
        for handle in [input, output, errors] where handle !== FileHandle.nullDevice {
            try? handle.close()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    private func read(_ name: String) -> String {
        let data = (try? Data(contentsOf: folder.appendingPathComponent(name))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
