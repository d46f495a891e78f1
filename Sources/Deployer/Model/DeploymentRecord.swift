public import FleetTypes
public import Foundation

/// One deployment: a row of the `deployments` table and of `history`.
public struct DeploymentRecord: Hashable, Sendable {
    /// Increasing id.
    public var id: Int
    /// The ref asked for; `nil` when a rollback to the last good revision was asked for.
    public var ref: String?
    /// The full revision, once resolved.
    public var revision: Revision?
    /// What asked.
    public var trigger: Trigger
    /// Who asked.
    public var who: String
    /// Deploy a bad revision anyway.
    public var force: Bool
    /// One wave, no bake or watch.
    public var immediate: Bool
    /// Where it stands or how it ended.
    public var outcome: DeploymentOutcome
    /// Why it ended that way (failure reason, abort, replacement).
    public var reason: String?
    /// When it was asked for.
    public var requestedAt: Date
    /// When it started running.
    public var startedAt: Date?
    /// When it ended.
    public var finishedAt: Date?

    /// Makes a queued record for a request.
    public init(id: Int, request: DeploymentRequest, at now: Date) {
        self.id = id
        self.ref = request.ref
        self.revision = nil
        self.trigger = request.trigger
        self.who = request.who
        self.force = request.force
        self.immediate = request.immediate
        self.outcome = .queued
        self.reason = request.reason
        self.requestedAt = now
        self.startedAt = nil
        self.finishedAt = nil
    }

    /// The request it was made from.
    public var request: DeploymentRequest {
        DeploymentRequest(ref: ref, trigger: trigger, who: who, force: force, immediate: immediate)
    }
}
