/// The body of `POST /v1/deployments`.
struct DeployRequestBody: Codable, Sendable {
    /// The revision, branch or tag; null for the branch's tip.
    var revision: String?
    /// `cli` (default) or `push`.
    var trigger: String?
    /// Deploy a revision marked bad.
    var force: Bool?
    /// One wave, no bake or watch.
    var immediate: Bool?
    /// Who asks.
    var who: String?
}

/// The body of `POST /v1/rollback`.
struct RollbackRequestBody: Codable, Sendable {
    /// The revision or tag; null for the last good revision.
    var to: String?
    /// Roll back even to a revision marked bad.
    var force: Bool?
    /// One wave, no bake or watch.
    var immediate: Bool?
    /// Who asks.
    var who: String?
}
