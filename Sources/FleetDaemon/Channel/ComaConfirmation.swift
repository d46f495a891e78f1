/// What one socket has said about its client processing user commands: the last command of ours about it (`coma`,
/// or `process_commands` / a `hello` that says to process) and whether the client confirmed a `coma` since.
///
/// A confirmation counts only after a `coma` that no `process_commands` followed, so a late confirmation of an
/// older `coma` is not taken for the present. After `coma`, `process_commands`, `coma` again, a late confirmation of
/// the first is taken for the second: that client has the second `coma` on its way already, and an idle client only
/// waits longer for its `shutdown` (``StopWave``).
struct ComaConfirmation {
    private var comaCommanded = false
    /// Whether the client is idle by its own word: it confirmed the `coma` it was last told.
    private(set) var isIdle = false

    /// Notes a command about processing, before it is sent: `coma` (`processing` false), or `process_commands` or
    /// a `hello` that says to process (`processing` true). A confirmation is owed anew.
    mutating func commanded(processing: Bool) {
        comaCommanded = !processing
        isIdle = false
    }

    /// Notes the client's `coma` event: it says it has stopped processing user commands.
    mutating func confirmed() {
        isIdle = comaCommanded
    }
}
