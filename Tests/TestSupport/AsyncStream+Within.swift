extension AsyncStream where Element: Sendable {
    /// The stream's next element, or nil when it finishes or `timeout` passes first.
    ///
    /// One consumer at a time, like any `AsyncStream` iteration.
    public func next(within timeout: Duration) async -> Element? {
        await withTaskGroup(of: Element?.self) { group in
            group.addTask { await self.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
