public import Foundation
import NIOHTTP1

extension AdminClient {
    /// `POST /v1/ui/login-codes`: the address of the status page with a new one-time login code in it, and when the
    /// code expires.
    public func pageLogin() async throws -> (url: String, expiresAt: Date) {
        struct Answer: Decodable {
            var code: String
            var expiresAt: Date

            enum CodingKeys: String, CodingKey {
                case code, expiresAt = "expires_at"
            }
        }
        let answer = try Self.decode(Answer.self, from: try await send(.POST, "/v1/ui/login-codes").body)
        return ("\(baseURL)/ui/login?code=\(answer.code)", answer.expiresAt)
    }
}
