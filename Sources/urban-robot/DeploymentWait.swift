import ArgumentParser
import FleetOperator
import Foundation

/// What `deploy` and `rollback` do once the daemon took the request.
enum DeploymentWait {
    /// Prints why when there was nothing to do (exit 0); else the id with `noWait`; otherwise follows the
    /// deployment (every event with `verbose`, else one line per phase and wave) and exits 1 unless it succeeded.
    static func finish(_ answer: DeploymentAnswer, client: AdminClient, noWait: Bool, verbose: Bool) async throws {
        let id: Int
        switch answer {
        case .nothingToDo(let why):
            print(why)
            return
        case .deployment(let deployment):
            id = deployment
        }
        if noWait {
            print(id)
            return
        }
        let terminal = isatty(STDOUT_FILENO) != 0
        print("deployment #\(id) queued")
        let follower = DeploymentFollower(client: client, terminal: terminal, verbose: verbose) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        let result = try await follower.follow(deployment: id)
        print(result.closingText(deployment: id), terminator: "")
        if !result.succeeded { throw ExitCode.failure }
    }
}
