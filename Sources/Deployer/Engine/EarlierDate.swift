import Foundation

/// The earlier of two optional dates (either when the other is nil): the engine's deadlines are read one by one,
/// in place, without an array to take the minimum of (the driver asks for the next deadline after every step).
func earlier(_ first: Date?, _ second: Date?) -> Date? {
    guard let first, let second else { return first ?? second }
    return min(first, second)
}
