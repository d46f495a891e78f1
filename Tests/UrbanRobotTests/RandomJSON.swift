import FleetTypes
import TestSupport

/// Random JSON values, strings and numbers for the encoders' byte-equality tests: every kind of value, strings with
/// escapes, control characters and characters outside the BMP, keys that collide, numbers whole, fractional, tiny,
/// huge and negative zero (all finite).
enum RandomJSON {
    /// A random value; containers nest up to three levels below `depth`.
    static func value(_ random: inout SplitMix64, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth < 3 ? 7 : 5), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(number(&random))
        case 3, 4: return .string(string(&random))
        case 5:
            return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in value(&random, depth: depth + 1) })
        default:
            let members = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                JSONMember(string(&random, short: true), value(&random, depth: depth + 1))
            }
            return .object(members)
        }
    }

    /// A random finite number.
    static func number(_ random: inout SplitMix64) -> Double {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return Double(Int.random(in: -1_000_000...1_000_000, using: &random))
        case 1: return Double.random(in: -1000...1000, using: &random)
        case 2: return Double(sign: .plus, exponent: Int.random(in: -1000...1000, using: &random), significand: 1.5)
        case 3: return -0.0
        case 4: return Double(Int64.random(in: Int64.min...Int64.max, using: &random))
        default: return Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &random) & 0x7FEF_FFFF_FFFF_FFFF)
        }
    }

    /// A random string of up to 12 characters (2 when `short`, so keys collide).
    static func string(_ random: inout SplitMix64, short: Bool = false) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "b", "B", "_", "1", "9", "/", "\\", "\"", "\u{0}", "\u{8}", "\u{9}",
                                          "\u{a}", "\u{c}", "\u{d}", "\u{1b}", "\u{1f}", "\u{7f}", "é", "\u{301}",
                                          "\u{2028}", "€", "😀", " "]
        let length = Int.random(in: 0...(short ? 2 : 12), using: &random)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length { scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)]) }
        return String(scalars)
    }
}
