import Synchronization

/// What a CLI piece wrote through its `write` closure, collected for a test.
final class TextOutput: Sendable {
    let text = Mutex("")

    func write(_ piece: String) { text.withLock { $0 += piece } }
}
