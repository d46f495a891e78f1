// A stand-in for the daemon in the survival test: it launches one bot with
// LocalProcessLauncher, prints the bot's LaunchRecord as one JSON line, and
// waits until it is killed. With --dies-with-daemon the bot is launched with
// LaunchRequest.diesWithDaemon. With --raise-open-files it first raises its
// open-files limit as the daemon does (OpenFilesLimit.raiseToHard).
//
// usage: SupervisorTestDaemon [--raise-open-files] [--dies-with-daemon] <log path> <working directory> <command> [arguments...]
import Foundation
import Supervisor

var arguments = CommandLine.arguments
if arguments.count > 1 && arguments[1] == "--raise-open-files" {
    arguments.remove(at: 1)
    _ = try OpenFilesLimit.raiseToHard()
}
let diesWithDaemon = arguments.count > 1 && arguments[1] == "--dies-with-daemon"
if diesWithDaemon { arguments.remove(at: 1) }
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: SupervisorTestDaemon [--raise-open-files] [--dies-with-daemon] <log> <dir> <command...>\n".utf8))
    exit(64)
}
let launcher = LocalProcessLauncher()
let environment = try LaunchEnvironment(inherited: ProcessInfo.processInfo.environment)
    .make(configured: [:], identity: nil)
let process = try await launcher.launch(
    LaunchRequest(
        command: Array(arguments[3...]), workingDirectory: arguments[2], environment: environment,
        clientID: "shard-0.1", revision: "survivor", log: LogPolicy(path: arguments[1]),
        diesWithDaemon: diesWithDaemon))
let line = try JSONEncoder().encode(process.record)
FileHandle.standardOutput.write(line + Data("\n".utf8))
while true {
    try await Task.sleep(for: .seconds(3600))
}
