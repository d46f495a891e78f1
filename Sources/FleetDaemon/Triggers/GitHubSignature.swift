import Crypto

/// Checks GitHub's `X-Hub-Signature-256` header: `sha256=` and the hex HMAC-SHA256
/// of the raw request body under the webhook secret, compared in constant time.
public enum GitHubSignature {
    /// Whether `header` is the signature of `body` under `secret`.
    public static func isValid(header: String?, body: some Collection<UInt8>, secret: some Collection<UInt8>) -> Bool {
        guard let header, header.hasPrefix("sha256="), let claimed = bytes(fromHex: header.dropFirst(7)) else {
            return false
        }
        let key = SymmetricKey(data: Array(secret))
        return HMAC<SHA256>.isValidAuthenticationCode(claimed, authenticating: Array(body), using: key)
    }

    /// The header value GitHub would send for `body` under `secret`.
    public static func header(body: some Collection<UInt8>, secret: some Collection<UInt8>) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Array(secret)))
        return "sha256=" + code.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    private static func bytes(fromHex hex: Substring) -> [UInt8]? {
        guard hex.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
