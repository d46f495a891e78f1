import FleetTypes

/// The `detail` column of an audit entry: its details as a JSON object of strings, written directly (keys in the
/// order of their UTF-8 bytes, strings escaped as Foundation's `JSONEncoder` escapes them).
///
/// Every action of the engine is an audit entry (about 3,000 per rollout at 200 shards, 400 in the stop wave at its
/// end), and a `JSONEncoder` per entry was 6 % of the driver thread's samples in a rollout. Readers decode the
/// object; the text is Foundation's with sorted keys, byte for byte.
enum AuditDetailText {
    /// `detail` as a JSON object.
    static func json(_ detail: [String: String]) -> String {
        var text: [UInt8] = [UInt8(ascii: "{")]
        for (index, member) in detail.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            JSONStringText.write(member.key, to: &text)
            text.append(UInt8(ascii: ":"))
            JSONStringText.write(member.value, to: &text)
        }
        text.append(UInt8(ascii: "}"))
        return String(decoding: text, as: UTF8.self)
    }
}
