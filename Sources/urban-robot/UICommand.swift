import ArgumentParser
import FleetOperator
import Foundation

/// `urban-robot ui [--open]`: prints (and opens) the status page's address with a one-time login code.
struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Prints the status page's address with a one-time login code (valid once, for 2 minutes).",
        discussion: "Opening it logs the browser in with a session cookie; the address then stops working."
    )

    @Flag(help: "Also open the address with $BROWSER, else xdg-open.")
    var open = false

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let login = try await options.client().pageLogin()
        print(login.url)
        guard open else { return }
        let environment = ProcessInfo.processInfo.environment
        let opener = environment["BROWSER"].flatMap { $0.isEmpty ? nil : $0 } ?? "xdg-open"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [opener, login.url]
        do {
            try process.run()
        } catch {
            throw ValidationError("cannot start \(opener) to open the address (\(error)); open the address above by hand")
        }
    }
}
