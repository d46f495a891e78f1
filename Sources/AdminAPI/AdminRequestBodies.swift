/// The body of `POST /v1/deployments`.
package struct DeployRequestBody: Codable, Sendable {
    /// The revision, branch or tag; null for the branch's tip.
    package var revision: String?
    /// `cli` (default) or `push`.
    package var trigger: String?
    /// Deploy a revision marked bad.
    package var force: Bool?
    /// One wave, no bake or watch.
    package var immediate: Bool?
    /// Who asks.
    package var who: String?

    /// A body from its fields.
    package init(revision: String?, trigger: String?, force: Bool?, immediate: Bool?, who: String?) {
        self.revision = revision
        self.trigger = trigger
        self.force = force
        self.immediate = immediate
        self.who = who
    }
}

/// The body of `POST /v1/rollback`.
package struct RollbackRequestBody: Codable, Sendable {
    /// The revision or tag; null for the last good revision.
    package var to: String?
    /// Roll back even to a revision marked bad.
    package var force: Bool?
    /// One wave, no bake or watch.
    package var immediate: Bool?
    /// Who asks.
    package var who: String?

    /// A body from its fields.
    package init(to: String?, force: Bool?, immediate: Bool?, who: String?) {
        self.to = to
        self.force = force
        self.immediate = immediate
        self.who = who
    }
}
