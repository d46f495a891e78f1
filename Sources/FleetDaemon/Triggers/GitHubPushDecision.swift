public import Foundation

/// What to do with one verified GitHub webhook delivery.
public enum GitHubPushDecision: Equatable, Sendable {
    /// A `ping` event: answer it, deploy nothing.
    case pong
    /// Deploy this commit id of the configured branch.
    case deploy(revision: String, subject: String)
    /// Nothing to deploy, and why (another branch, a deleted branch, no marker, another event).
    case ignore(reason: String)

    /// Decides for `event` (the `X-GitHub-Event` header) with JSON `body`, given the
    /// configured branch and commit-message marker.
    ///
    /// - Throws: ``GitHubPayloadError`` when a push body is not the JSON GitHub sends.
    public static func decide(event: String?, body: Data, branch: String, marker: String) throws(GitHubPayloadError) -> Self {
        switch event {
        case "ping": return .pong
        case "push": break
        default: return .ignore(reason: "event '\(event ?? "none")' is not a push")
        }
        let push: GitHubPush
        do {
            push = try JSONDecoder().decode(GitHubPush.self, from: body)
        } catch {
            throw GitHubPayloadError(message: "the push payload is not valid: \(error)")
        }
        guard push.ref == "refs/heads/\(branch)" else {
            return .ignore(reason: "push to \(push.ref), not to the configured branch \(branch)")
        }
        guard push.deleted != true, let revision = push.after, revision.allSatisfy(\.isHexDigit), revision.count == 40,
              revision != String(repeating: "0", count: 40)
        else {
            return .ignore(reason: "the branch \(branch) was deleted")
        }
        let message = push.headCommit?.message ?? ""
        if !marker.isEmpty, !message.hasPrefix(marker) {
            return .ignore(reason: "the head commit's message does not start with \(marker)")
        }
        let subject = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        return .deploy(revision: revision, subject: subject)
    }
}

/// A push webhook body that is not what GitHub sends.
public struct GitHubPayloadError: Error, Equatable, Sendable {
    /// What is wrong with it.
    public var message: String
}

/// The part of GitHub's push payload that a deployment needs.
struct GitHubPush: Decodable {
    struct Commit: Decodable {
        var message: String?
    }

    var ref: String
    var after: String?
    var deleted: Bool?
    var headCommit: Commit?

    enum CodingKeys: String, CodingKey {
        case ref, after, deleted
        case headCommit = "head_commit"
    }
}
