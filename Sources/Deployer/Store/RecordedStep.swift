/// What one engine step produced, for ``DeployerStore/record(steps:snapshot:at:)``: its actions, and the
/// deployment running after it (where its `action.*` entries are filed).
struct RecordedStep: Sendable {
    var actions: [DeployerAction]
    var deployment: Int?
}
