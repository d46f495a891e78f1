@testable import FleetDaemon
import Testing

/// Which build lines reach the deployment's followers, without a clock of the wall: instants built by hand.
@Suite struct BuildLineThrottleTests {
    let start = ContinuousClock.now

    @Test("lines pass as they are up to the burst; then at the rate, with a count of those left out")
    func burstThenRate() {
        var throttle = BuildLineThrottle(logPath: "/state/logs/build/abc.log")
        throttle.burst = 3
        throttle.perSecond = 4
        var passed: [String] = []
        for index in 1...6 { passed += throttle.admit("line \(index)", at: start) }
        #expect(passed == ["line 1", "line 2", "line 3"])
        #expect(throttle.admit("line 7", at: start + .milliseconds(125)) == [])
        #expect(throttle.admit("line 8", at: start + .milliseconds(250)) == [
            "(4 lines not shown; the whole output is in /state/logs/build/abc.log)", "line 8",
        ])
        #expect(throttle.admit("line 9", at: start + .milliseconds(250)) == [])
        #expect(throttle.finish() == ["(1 line not shown; the whole output is in /state/logs/build/abc.log)"])
        #expect(throttle.finish() == [])
    }

    @Test("blank lines and the log's own lines are not build lines; a progress bar shows its last state; long lines are cut; control characters replaced")
    func shapes() {
        var throttle = BuildLineThrottle(logPath: "build.log")
        throttle.maxLength = 10
        #expect(throttle.admit("   \t", at: start) == [])
        #expect(throttle.admit("# 2026-12-04T15:35:36.123Z launch build revision abc", at: start) == [])
        #expect(throttle.admit("# a comment of the build", at: start) == ["# a commen…"])
        #expect(throttle.admit(" 10%\r 50%\r100%\r", at: start) == ["100%"])
        #expect(throttle.admit(" ---> 1a2b  ", at: start) == [" ---> 1a2b"])
        #expect(throttle.admit("\u{1B}[1mbold", at: start) == ["?[1mbold"])
        #expect(throttle.finish() == [])
    }
}
