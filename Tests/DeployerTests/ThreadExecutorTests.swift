import Deployer
import Foundation
import Synchronization
import TestSupport
import Testing

/// A ``ThreadExecutor`` runs the jobs of the tasks that prefer it on its own named thread, one at a time, in order.
@Suite struct ThreadExecutorTests {
    @Test func aTaskThatPrefersItRunsOnItsNamedThread() async {
        let executor = ThreadExecutor(name: "urban-test-exec")
        let thread = await Task(executorPreference: executor) { currentThreadName() }.value
        #expect(thread == "urban-test-exec")
        #expect(currentThreadName() != "urban-test-exec")
    }

    @Test func aStreamYieldedFromAnotherThreadIsConsumedThereInOrder() async {
        let executor = ThreadExecutor(name: "urban-test-exec")
        let (numbers, feed) = AsyncStream.makeStream(of: Int.self)
        let consumer = Task(executorPreference: executor) { () -> (numbers: [Int], threads: Set<String>) in
            var seen: (numbers: [Int], threads: Set<String>) = ([], [])
            for await number in numbers {
                seen.numbers.append(number)
                seen.threads.insert(currentThreadName())
            }
            return seen
        }
        let producer = Thread {
            for number in 0..<1_000 { feed.yield(number) }
            feed.finish()
        }
        producer.start()
        let seen = await consumer.value
        #expect(seen.numbers == Array(0..<1_000))
        #expect(seen.threads == ["urban-test-exec"])
    }

}
