import Foundation
import Logging

/// A log handler that replaces every occurrence of the daemon's secrets (the Discord token) with `<redacted>`
/// in messages and metadata (nested values included) before passing the entry on.
struct RedactingLogHandler: LogHandler {
    private var base: any LogHandler
    private let secrets: [String]

    /// Wraps `base`; empty secrets are ignored.
    init(wrapping base: any LogHandler, secrets: [String]) {
        self.base = base
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue.mapValues(redact) }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue.map(redact) }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(redact(event.message.description))"
        event.metadata = event.metadata?.mapValues(redact)
        if let error = event.error {
            // An error's text may hold anything: it goes on as redacted metadata instead.
            event.metadata = (event.metadata ?? [:]).merging(["error": .string(redact("\(error)"))]) { current, _ in current }
            event.error = nil
        }
        base.log(event: event)
    }

    /// `text` with every secret replaced (``SecretText``: a 200-bot stop wave logs 400 lines).
    func redact(_ text: String) -> String {
        SecretText.replacing(secrets, in: text, with: "<redacted>")
    }

    private func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(redact(text))
        case .stringConvertible(let convertible): .string(redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let values): .dictionary(values.mapValues(redact))
        }
    }
}

extension Logger {
    /// This logger with the secrets redacted from everything it logs.
    func redacting(_ secrets: [String]) -> Logger {
        var logger = self
        logger.handler = RedactingLogHandler(wrapping: handler, secrets: secrets)
        return logger
    }
}
