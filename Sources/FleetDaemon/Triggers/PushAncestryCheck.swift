import AdminAPI
import Deployer
import FleetTypes

/// Whether a pushed revision moves the fleet forward, for the GitHub webhook: a captured delivery re-sent
/// later (or a force-push that rewinds the branch) must not roll the fleet back to an older revision.
///
/// After fetching, the revision is deployed only when it descends from every revision an instance serves
/// (from the branch tip when nothing serves yet; an unmanaged client serves no revision of ours). One that already serves, or that the running deployment
/// is rolling out, is a no-op. Rewinding the branch on purpose is the operator's to deploy by hand.
struct PushAncestryCheck {
    let control: any DaemonControl

    /// Why `revision` must not be deployed now, or nil when it moves the fleet forward.
    ///
    /// - Throws: when the source cannot be fetched or a revision does not resolve in the mirror.
    func reasonToIgnore(_ revision: String) async throws -> String? {
        let tip = try await control.fetchBranchTip()
        let status = await control.status()
        let short = revision.prefix(12)
        if status.revision?.rawValue == revision {
            return "revision \(short) already serves; nothing to do"
        }
        if let running = status.deployment, [running.revision?.rawValue, running.ref].contains(revision) {
            return "revision \(short) is already being deployed (deployment \(running.id))"
        }
        let serving = Set(status.instances.compactMap { $0.active?.revision.rawValue }.filter(Self.isCommitID))
        let bases = serving.isEmpty ? [tip] : serving.sorted()
        for base in bases where base != revision {
            guard try await control.isDescendant(revision, of: base) else {
                let what = serving.isEmpty ? "the branch tip \(base.prefix(12))" : "\(base.prefix(12)), which serves"
                return "revision \(short) does not descend from \(what): a stale or replayed delivery, or a "
                    + "force-push that rewinds the branch; deploy it by hand (urban-robot deploy \(short)) if it is meant"
            }
        }
        return nil
    }

    /// Whether `revision` is a full commit id (an unmanaged client's is `unmanaged`: nothing to descend from).
    static func isCommitID(_ revision: String) -> Bool {
        revision.count == 40 && revision.allSatisfy(\.isHexDigit)
    }
}
