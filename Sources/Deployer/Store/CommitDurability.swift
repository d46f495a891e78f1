/// What a commit of the state store survives once it returned (``DeployerStore/init(path:durability:)``).
public enum CommitDurability: Sendable, Equatable {
    /// A crash of the daemon, not of the machine: each commit is written to the database's log and the log is
    /// synced to the disk at checkpoints (SQLite's `synchronous = NORMAL` in WAL mode). A crash of the machine may
    /// lose the last commits, and with them the local bots, which die with it.
    case survivesTheDaemon
    /// A crash of the machine too: each commit is synced to the disk before it returns (`synchronous = FULL`), for
    /// bots that outlive the daemon's machine (Swarm services on other nodes), whose roles and epochs a restart
    /// must not find older than what they were told.
    case survivesTheMachine
}
