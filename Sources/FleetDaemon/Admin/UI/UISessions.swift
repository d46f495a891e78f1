import AdminAPI
public import Foundation
import Synchronization

/// The page's logins: one-time login codes (issued to a caller holding the admin token) and the browser sessions
/// they are exchanged for, each with its CSRF token. Kept in memory: a daemon restart logs every page out.
///
/// A code is random (256 bits), valid for ``codeLifetime`` and for one exchange only; a session lives
/// ``sessionLifetime`` from its login. Expired entries are dropped whenever a code is issued or exchanged.
public final class UISessions: Sendable {
    /// The session cookie's name.
    static let cookieName = "urban_robot_session"

    /// A login code as `POST /v1/ui/login-codes` answers it.
    struct Code: Encodable {
        var code: String
        var expiresAt: Date

        enum CodingKeys: String, CodingKey {
            case code, expiresAt = "expires_at"
        }
    }

    /// A logged-in browser.
    struct Session: Sendable {
        /// The cookie's value.
        var id: String
        /// What state-changing requests carry in `X-CSRF-Token`.
        var csrfToken: String
        var expiresAt: Date
    }

    private struct State {
        var codes: [String: Date] = [:]
        var sessions: [String: Session] = [:]
    }

    /// How long a login code may wait for its exchange.
    public let codeLifetime: Duration
    /// How long a session lasts from its login.
    public let sessionLifetime: Duration
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// Sessions with the given lifetimes; `now` is the clock (injected by tests).
    public init(codeLifetime: Duration = .seconds(120), sessionLifetime: Duration = .seconds(12 * 3600),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.codeLifetime = codeLifetime
        self.sessionLifetime = sessionLifetime
        self.now = now
    }

    /// A new one-time login code.
    func issueCode() -> Code {
        let code = Code(code: RandomSecret.hex(bytes: 32), expiresAt: now().addingTimeInterval(Self.seconds(codeLifetime)))
        state.withLock { state in
            Self.dropExpired(&state, at: now())
            state.codes[code.code] = code.expiresAt
        }
        return code
    }

    /// Exchanges `code` for a new session; nil when it is unknown, expired or was already used (it is used up
    /// either way).
    func redeem(code: String) -> Session? {
        let at = now()
        return state.withLock { state -> Session? in
            Self.dropExpired(&state, at: at)
            guard let expiresAt = state.codes.removeValue(forKey: code), expiresAt > at else { return nil }
            let session = Session(id: RandomSecret.hex(bytes: 32), csrfToken: RandomSecret.hex(bytes: 32),
                                  expiresAt: at.addingTimeInterval(Self.seconds(sessionLifetime)))
            state.sessions[session.id] = session
            return session
        }
    }

    /// The live session whose cookie value is `id`; nil for an unknown or expired one. (A dictionary lookup by a
    /// 256-bit random id: its timing tells nothing usable about other ids.)
    func session(id: String?) -> Session? {
        guard let id else { return nil }
        let at = now()
        return state.withLock { state in
            guard let session = state.sessions[id] else { return nil }
            guard session.expiresAt > at else {
                state.sessions[id] = nil
                return nil
            }
            return session
        }
    }

    /// Ends the session `id` (logout).
    func end(id: String) {
        state.withLock { _ = $0.sessions.removeValue(forKey: id) }
    }

    private static func dropExpired(_ state: inout State, at date: Date) {
        state.codes = state.codes.filter { $0.value > date }
        state.sessions = state.sessions.filter { $0.value.expiresAt > date }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }
}
