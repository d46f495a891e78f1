/// How to authenticate to the source remote; handed to libgit2's credential callback.
///
/// Local paths and `file://` URLs need none. Secrets are never put in error messages or logs.
public enum GitCredentials: Sendable, Hashable {
    /// No credentials: local sources, public `https://` sources, or an ssh agent set up by libgit2's default.
    case none
    /// An `https://` access token, sent as the password of `username` (default `x-access-token`,
    /// which GitHub accepts; the user name in the URL wins when there is one).
    case token(String, username: String? = nil)
    /// An ssh key pair from files: the private key, optionally its public key and passphrase.
    /// The user name defaults to the one in the URL, then `git`.
    case sshKey(privateKey: String, publicKey: String? = nil, passphrase: String? = nil, username: String? = nil)
    /// Keys from the running ssh agent (`SSH_AUTH_SOCK`).
    case sshAgent(username: String? = nil)
}
