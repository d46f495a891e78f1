import Testing

@testable import SocketIO

/// Expects `body` to throw a ``ProtocolError`` with `code`.
func expectProtocolError(
    _ code: ProtocolError.Code,
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("\(what) was accepted", sourceLocation: sourceLocation)
    } catch let error as ProtocolError {
        #expect(error.code == code, "\(what): \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what) threw \(error), not a ProtocolError", sourceLocation: sourceLocation)
    }
}
