/// Random secrets as hexadecimal text, and their comparison in constant time.
enum RandomSecret {
    /// `bytes` random bytes from the system's generator, as `2 * bytes` lowercase hexadecimal digits.
    static func hex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes * 2)
        for _ in 0..<bytes {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `offered` equals `expected`, in time that depends on `expected`'s length only.
    static func matches(_ offered: Substring.UTF8View, _ expected: String.UTF8View) -> Bool {
        let offered = Array(offered)
        let expected = Array(expected)
        var difference = UInt8(offered.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < offered.count ? offered[index] : 0)
        }
        return difference == 0
    }
}
