internal import CGit2
import Foundation
import NIOPosix

/// The process-wide libgit2 setup and the conversions every libgit2 call site shares.
enum LibGit2 {
    /// `git_libgit2_init` runs once, on first use (a `static let` initializer is run exactly once).
    ///
    /// It also turns off libgit2's re-hashing of every object it reads (strict hash verification,
    /// collision-detecting SHA-1 over each inflated blob: about half of a checkout's CPU time). The
    /// objects come from our own mirror, whose packs libgit2's indexer verified when it fetched
    /// them; `git archive` and `git checkout` do not re-hash on read either.
    private static let initialization: Int32 = {
        let status = git_libgit2_init()
        _ = urban_robot_git_set_strict_hash_verification(0)
        return status
    }()

    /// Makes sure libgit2 is initialized; cheap after the first call.
    static func initialize() {
        _ = initialization
    }

    /// Reads the calling thread's last libgit2 error for a failed call that returned `status`.
    ///
    /// `git_error_last` is thread-local: call this in the same synchronous code as the failed call.
    static func failure(_ status: Int32) -> LibGit2Failure {
        guard let last = git_error_last() else {
            return LibGit2Failure(code: status, errorClass: 0, message: "no message")
        }
        let message = last.pointee.message.map { String(cString: $0) } ?? "no message"
        return LibGit2Failure(code: status, errorClass: last.pointee.klass, message: message)
    }

    /// Throws a ``GitStoreError`` when `status` is negative.
    static func check(
        _ status: Int32,
        _ code: GitStoreError.Code,
        _ operation: String,
        input: String?,
        detail: @autoclosure () -> String = "libgit2 refused"
    ) throws {
        guard status < 0 else { return }
        throw GitStoreError(code, operation: operation, input: input, detail: detail(), libgit2: failure(status))
    }

    /// Runs blocking libgit2 work on `NIOThreadPool.singleton`, mapping pool failures to ``GitStoreError``.
    static func runOnThreadPool<Result: Sendable>(
        _ operation: String,
        _ body: @escaping @Sendable () throws -> Result
    ) async throws(GitStoreError) -> Result {
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                initialize()
                return try body()
            }
        } catch let error as GitStoreError {
            throw error
        } catch {
            throw GitStoreError(
                .notRun, operation: operation, input: nil,
                detail: "the work was not run (cancelled, or the thread pool is shut down)", cause: error)
        }
    }

    /// The 40-hex form of an object id.
    static func hex(_ oid: UnsafePointer<git_oid>) -> String {
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
        git_oid_tostr(&buffer, buffer.count, oid)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Calls `body` with a `git_strarray` holding copies of `strings`, freed afterwards.
    static func withStringArray<Result>(
        _ strings: [String],
        _ body: (UnsafeMutablePointer<git_strarray>) throws -> Result
    ) rethrows -> Result {
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: max(strings.count, 1))
        for (index, string) in strings.enumerated() {
            pointers[index] = strdup(string)
        }
        defer {
            for index in strings.indices { free(pointers[index]) }
            pointers.deallocate()
        }
        var array = git_strarray(strings: pointers, count: strings.count)
        return try body(&array)
    }
}
