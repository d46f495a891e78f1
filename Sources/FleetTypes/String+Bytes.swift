#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Whether the UTF-8 bytes of `needle` occur in this string's: `memchr` for the needle's first byte, then
    /// `memcmp`. For secrets (ASCII tokens) in log lines and environment values, where the generic `contains` of
    /// the standard library cost a rollout some 3 % of the daemon's CPU. Byte for byte, so it also finds a needle
    /// that a combining mark right after it hides from `contains`. An empty needle is found in any string.
    public func containsBytes(of needle: String) -> Bool {
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard let wanted = needle.baseAddress else { return true }
                guard let text = haystack.baseAddress, haystack.count >= needle.count else { return false }
                let first = Int32(wanted.pointee)
                var offset = 0
                // The last offset where the whole needle still fits.
                let last = haystack.count - needle.count
                while offset <= last {
                    guard let hit = memchr(text + offset, first, last - offset + 1) else { return false }
                    let at = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - text
                    if memcmp(text + at, wanted, needle.count) == 0 { return true }
                    offset = at + 1
                }
                return false
            }
        }
    }
}
