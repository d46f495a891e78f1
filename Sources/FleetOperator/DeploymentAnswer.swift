/// The daemon's answer to a deployment or rollback request.
public enum DeploymentAnswer: Hashable, Sendable {
    /// The deployment to follow: a new one, or the one already deploying or waiting for the same revision.
    case deployment(Int)
    /// Nothing was done, and why (the revision already serves every instance).
    case nothingToDo(String)
}
