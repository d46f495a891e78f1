/// What ``DeploymentEngine/progress()`` can change, kept before a round to tell whether the round changed anything.
///
/// Cheap when nothing changed: the instances are marked by their write count, not held (a held array made the
/// round's first write to an instance copy all of them, so O(N) per step and O(N²) per rollout), and the rest
/// is compared by value, which returns at once for storage that was not written since the mark. A write of an
/// unchanged value would count as a change and cost one more round; run beside the held array through every
/// Swift test (502, the 150 randomized event orders among them), the two marks agreed on every round.
struct ProgressMark: Equatable {
    private let instanceWrites: Int
    private let repairs: [Int: Repair]
    private let rollout: Rollout?
    private let waiting: DeploymentRecord?
    private let actions: Int

    /// The mark of `engine` now.
    init(of engine: DeploymentEngine) {
        instanceWrites = engine.instanceWrites
        repairs = engine.repairs
        rollout = engine.rollout
        waiting = engine.waiting
        actions = engine.outbox.count
    }
}
