import Foundation

/// Starting a thread of our own under a name (as `top` and `/proc/<pid>/task/*/comm` show it, up to 15 bytes).
public enum NamedThread {
    /// Starts a thread that names itself `name` and runs `body`.
    ///
    /// Named from within, once `start()` returned: on Linux a new thread inherits its creator's name, and Foundation
    /// drops a name set before `start()` recorded the thread's handle (which the new thread, running first on a busy
    /// machine, can do before `start()` returned).
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            started.wait()
            Thread.current.name = name
            body()
        }
        thread.start()
        started.signal()
    }
}
