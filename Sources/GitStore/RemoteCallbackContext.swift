internal import CGit2
import Foundation

/// What libgit2's remote callbacks need, reached through the callbacks' `payload` pointer.
///
/// Lives inside one synchronous fetch or push on one thread; never shared.
final class RemoteCallbackContext {
    /// How many times libgit2 may ask for credentials before the attempt is refused.
    static let maximumCredentialAttempts = 3

    private let credentials: GitCredentials
    private let progress: (@Sendable (FetchProgress) -> Void)?
    private var credentialAttempts = 0
    private var lastReport = ContinuousClock.now
    private var reportedFinish = false
    /// The last progress libgit2 reported.
    private(set) var latest = FetchProgress(totalObjects: 0, receivedObjects: 0, indexedObjects: 0, receivedBytes: 0)
    /// References the remote refused during a push, with the remote's reason.
    private(set) var rejectedReferences: [String: String] = [:]

    init(credentials: GitCredentials, progress: (@Sendable (FetchProgress) -> Void)?) {
        self.credentials = credentials
        self.progress = progress
    }

    /// Fills a `git_remote_callbacks` whose payload is this context; valid while `self` lives.
    func callbacks() -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { output, _, usernameFromURL, allowedTypes, payload in
            guard let output, let payload else { return -1 }
            let context = Unmanaged<RemoteCallbackContext>.fromOpaque(payload).takeUnretainedValue()
            return context.acquireCredential(output, usernameFromURL.map { String(cString: $0) }, allowedTypes)
        }
        callbacks.transfer_progress = { stats, payload in
            guard let stats, let payload else { return 0 }
            Unmanaged<RemoteCallbackContext>.fromOpaque(payload).takeUnretainedValue().report(stats.pointee)
            return 0
        }
        callbacks.push_update_reference = { reference, status, payload in
            guard let reference, let status, let payload else { return 0 }
            let context = Unmanaged<RemoteCallbackContext>.fromOpaque(payload).takeUnretainedValue()
            context.rejectedReferences[String(cString: reference)] = String(cString: status)
            return 0
        }
        return callbacks
    }

    /// libgit2's credential callback: builds the credential the configuration allows for the asked types.
    private func acquireCredential(
        _ output: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>,
        _ usernameFromURL: String?,
        _ allowedTypes: UInt32
    ) -> Int32 {
        credentialAttempts += 1
        guard credentialAttempts <= Self.maximumCredentialAttempts else {
            git_error_set_str(
                Int32(GIT_ERROR_NET.rawValue),
                "the source refused the configured credentials \(Self.maximumCredentialAttempts) times")
            return GIT_EAUTH.rawValue
        }
        func allows(_ type: git_credential_t) -> Bool { allowedTypes & type.rawValue != 0 }
        switch credentials {
        case .none:
            return GIT_PASSTHROUGH.rawValue
        case .token(let token, let username):
            guard allows(GIT_CREDENTIAL_USERPASS_PLAINTEXT) else { return GIT_PASSTHROUGH.rawValue }
            return git_credential_userpass_plaintext_new(output, usernameFromURL ?? username ?? "x-access-token", token)
        case .sshKey(let privateKey, let publicKey, let passphrase, let username):
            let user = usernameFromURL ?? username ?? "git"
            if allows(GIT_CREDENTIAL_USERNAME) { return git_credential_username_new(output, user) }
            guard allows(GIT_CREDENTIAL_SSH_KEY) else { return GIT_PASSTHROUGH.rawValue }
            return git_credential_ssh_key_new(output, user, publicKey, privateKey, passphrase)
        case .sshAgent(let username):
            let user = usernameFromURL ?? username ?? "git"
            if allows(GIT_CREDENTIAL_USERNAME) { return git_credential_username_new(output, user) }
            guard allows(GIT_CREDENTIAL_SSH_KEY) else { return GIT_PASSTHROUGH.rawValue }
            return git_credential_ssh_key_from_agent(output, user)
        }
    }

    /// Records libgit2's transfer progress and reports it, at most every 50 ms plus the last one.
    private func report(_ stats: git_indexer_progress) {
        latest = FetchProgress(
            totalObjects: Int(stats.total_objects),
            receivedObjects: Int(stats.received_objects),
            indexedObjects: Int(stats.indexed_objects),
            receivedBytes: Int(stats.received_bytes))
        guard let progress else { return }
        let now = ContinuousClock.now
        if latest.totalObjects > 0 && latest.indexedObjects == latest.totalObjects {
            guard !reportedFinish else { return }
            reportedFinish = true
        } else {
            guard now - lastReport >= .milliseconds(50) else { return }
        }
        lastReport = now
        progress(latest)
    }
}
