public import FleetConfiguration
import Foundation

/// Tells, before the servers start, which configured listen address another process already holds, so that
/// a second daemon says which address is in use instead of failing later with a bare `bind` error.
public enum ListenCheck {
    /// Binds and releases each address (port 0 is skipped: the kernel picks a free one).
    /// - Parameter addresses: configuration keys (e.g. `channel.listen`) with their addresses.
    /// - Throws: ``DaemonError`` `.channel` naming the key and the address in use (or not bindable).
    public static func requireFree(_ addresses: [(key: String, address: ListenAddress)]) throws {
        for (key, address) in addresses where address.port != 0 {
            if let reason = bindFailure(address) {
                throw DaemonError(.channel, "\(key) \(address) cannot be listened on: \(reason)")
            }
        }
    }

    /// Why `address` cannot be bound with the options the servers use (`SO_REUSEADDR`), or nil when it can.
    private static func bindFailure(_ address: ListenAddress) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, "\(address.port)", &hints, &results)
        guard status == 0, let first = results else {
            return "the host does not resolve (\(String(cString: gai_strerror(status))))"
        }
        defer { freeaddrinfo(results) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            return errno == EADDRINUSE
                ? "the address is in use (another urban-robot, or another program, listens on it)"
                : String(cString: strerror(errno))
        }
        return nil
    }
}
