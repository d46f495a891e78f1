public import Foundation

/// A build context: a folder as a tar archive (POSIX ustar, with PAX records for paths and link targets longer
/// than ustar holds), plus files added at its root (a generated Dockerfile), as `POST /build` takes it.
public enum BuildContext {
    /// The archive of `folder` (regular files, folders and symbolic links, with their permissions) and `extra`
    /// files (name → content) at its root.
    /// - Throws: `CocoaError` when a file cannot be read.
    public static func tar(folder: String, extra: [String: Data] = [:]) throws -> Data {
        var archive = Data()
        let root = URL(fileURLWithPath: folder).standardizedFileURL.path
        let manager = FileManager.default
        let paths = (manager.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
        for path in paths {
            let full = root + "/" + path
            let attributes = try manager.attributesOfItem(atPath: full)
            let mode = (attributes[.posixPermissions] as? Int) ?? 0o644
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                append(&archive, name: path + "/", type: "5", mode: mode, content: Data())
            case .typeSymbolicLink?:
                let target = try manager.destinationOfSymbolicLink(atPath: full)
                append(&archive, name: path, type: "2", mode: mode, content: Data(), link: target)
            case .typeRegular?:
                append(&archive, name: path, type: "0", mode: mode, content: try Data(contentsOf: URL(fileURLWithPath: full)))
            default:
                continue  // sockets, fifos, devices: nothing a build copies
            }
        }
        for (name, content) in extra.sorted(by: { $0.key < $1.key }) {
            append(&archive, name: name, type: "0", mode: 0o644, content: content)
        }
        archive.append(Data(count: 1024))  // two zero blocks end the archive
        return archive
    }

    /// One entry: a PAX record first when the name or the link target is longer than ustar's 100 bytes.
    private static func append(_ archive: inout Data, name: String, type: Character, mode: Int, content: Data, link: String = "") {
        var records = ""
        if name.utf8.count > 100 { records += paxRecord("path", name) }
        if link.utf8.count > 100 { records += paxRecord("linkpath", link) }
        if !records.isEmpty {
            let pax = Data(records.utf8)
            archive.append(header(name: "PaxHeader", type: "x", mode: 0o644, size: pax.count, link: ""))
            archive.append(padded(pax))
        }
        archive.append(header(name: name, type: type, mode: mode, size: content.count, link: link))
        archive.append(padded(content))
    }

    /// A PAX record, `"<length> key=value\n"`, where the length counts the whole record, its own digits included.
    public static func paxRecord(_ key: String, _ value: String) -> String {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while "\(length)".count + body.utf8.count != length { length = "\(length)".count + body.utf8.count }
        return "\(length)\(body)"
    }

    private static func header(name: String, type: Character, mode: Int, size: Int, link: String) -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, at offset: Int, length: Int) {
            put(String(repeating: "0", count: max(0, length - 1 - String(value, radix: 8).count)) + String(value, radix: 8),
                at: offset, length: length - 1)
        }
        put(name, at: 0, length: 100)
        octal(mode & 0o7777, at: 100, length: 8)
        octal(0, at: 108, length: 8)
        octal(0, at: 116, length: 8)
        octal(size, at: 124, length: 12)
        octal(0, at: 136, length: 12)
        put("        ", at: 148, length: 8)
        block[156] = type.asciiValue ?? UInt8(ascii: "0")
        put(link, at: 157, length: 100)
        put("ustar\u{0}00", at: 257, length: 8)
        let checksum = block.reduce(0) { $0 + Int($1) }
        octal(checksum, at: 148, length: 7)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return Data(block)
    }

    private static func padded(_ content: Data) -> Data {
        let remainder = content.count % 512
        return remainder == 0 ? content : content + Data(count: 512 - remainder)
    }
}
