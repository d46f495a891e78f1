/// What one engine step produced, for ``DeployerStore/record(steps:snapshot:at:)``: its actions, the deployment
/// running after it (where its `action.*` entries are filed), and the rows its event brought to store with it.
struct RecordedStep: Sendable {
    var actions: [DeployerAction]
    var deployment: Int?
    var rows: StepRows? = nil
}
