/// Commands an operator gives a running daemon.
public enum OperatorCommand: Hashable, Sendable {
    /// Stop the running deployment and undo what it changed.
    case abort
    /// Skip the remaining bake and watch of the running deployment.
    case promote
    /// Leave `halted`.
    case resume
}
