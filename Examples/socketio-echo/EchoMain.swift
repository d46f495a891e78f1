import ArgumentParser
import NIOCore
import NIOPosix

/// The entry point. It first makes NIO's event loops Swift Concurrency's global executor, so a
/// client's WebSocket reader, its session dispatcher and the writes to its socket all run on the
/// client's event-loop thread, with no thread switch (and no wake-up) per message; then it runs
/// ``EchoCommand``.
@main
enum EchoMain {
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await EchoCommand.main()
    }
}
