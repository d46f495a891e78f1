/// What ``DeploymentEngine/progress()`` can change, kept before a round to tell whether the round changed anything.
///
/// The comparison is exact, and cheap when nothing changed: an array that was not written since the mark still
/// shares the mark's storage, and Swift's `==` on arrays returns at once for shared storage. (A hash of the whole
/// state, as before, cost O(instances) twice per round, so O(N²) over a rollout of N instances.)
struct ProgressMark: Equatable {
    private let instances: [InstanceState]
    private let rollout: Rollout?
    private let waiting: DeploymentRecord?
    private let actions: Int

    /// The mark of `engine` now.
    init(of engine: DeploymentEngine) {
        instances = engine.instances
        rollout = engine.rollout
        waiting = engine.waiting
        actions = engine.outbox.count
    }
}
