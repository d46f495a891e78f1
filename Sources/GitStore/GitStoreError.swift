/// A failure of a ``ReleaseStore`` operation.
///
/// Every error says what was being done (``operation``), with what input (``input``: a revision, a
/// path, a URL with its credentials removed), what went wrong, and, when libgit2 reported it, libgit2's
/// error class, code and message (``libgit2``).
public struct GitStoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, for callers that react differently to each.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A short stable name, e.g. `unknown-revision`.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The bare mirror could not be created or opened.
        public static let repository = Code("repository")
        /// The source could not be fetched from (missing, unreachable, authentication failed).
        public static let fetch = Code("fetch")
        /// A revision (branch, tag, id, revspec) names nothing in the mirror.
        public static let unknownRevision = Code("unknown-revision")
        /// A revision names an object that is not a commit (a tag on a tree or a blob).
        public static let notACommit = Code("not-a-commit")
        /// The commit's tree contains submodules, which release checkouts do not support.
        public static let submodules = Code("submodules")
        /// libgit2 failed while writing a release's files.
        public static let checkout = Code("checkout")
        /// A file or folder of the state directory could not be created, renamed, read or removed.
        public static let fileSystem = Code("file-system")
        /// A good tag could not be created or read.
        public static let tag = Code("tag")
        /// A good tag could not be pushed to the source remote.
        public static let push = Code("push")
        /// A bad mark could not be written, removed or read.
        public static let badMark = Code("bad-mark")
        /// The commits between two revisions could not be listed.
        public static let history = Code("history")
        /// An argument was invalid (an empty revision, a negative count).
        public static let invalidArgument = Code("invalid-argument")
        /// The work could not be run (the thread pool is shut down, or the task was cancelled).
        public static let notRun = Code("not-run")

        /// The stable name.
        public var description: String { name }
    }

    /// The kind of failure.
    public let code: Code
    /// What was being done, e.g. `resolving revision`.
    public let operation: String
    /// The input the operation was given, e.g. `main~9`; `nil` when there is none.
    public let input: String?
    /// What went wrong and, where there is something to do, what to do.
    public let detail: String
    /// libgit2's own report, when the failure came from libgit2.
    public let libgit2: LibGit2Failure?
    /// The underlying error, when the failure came from elsewhere (the file system, the thread pool).
    public let cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - operation: what was being done.
    ///   - input: the input of the operation, if any; never a secret.
    ///   - detail: what went wrong and what to do.
    ///   - libgit2: libgit2's report, if any.
    ///   - cause: the underlying error, if any.
    public init(
        _ code: Code,
        operation: String,
        input: String?,
        detail: String,
        libgit2: LibGit2Failure? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.operation = operation
        self.input = input
        self.detail = detail
        self.libgit2 = libgit2
        self.cause = cause
    }

    /// One line: the operation, its input, the detail, libgit2's report.
    public var message: String {
        var text = operation
        if let input { text += " '\(input)'" }
        text += " failed: \(detail)"
        if let libgit2 { text += " (\(libgit2))" }
        if let cause, libgit2 == nil { text += " (\(cause))" }
        return text
    }

    /// The code and the message.
    public var description: String { "GitStoreError.\(code): \(message)" }
}

/// libgit2's report of a failed call: its return code and the thread's last error.
public struct LibGit2Failure: Sendable, Hashable, CustomStringConvertible {
    /// The negative return code, e.g. `-3` (`GIT_ENOTFOUND`).
    public let code: Int32
    /// The error class (`git_error_t`), e.g. `4` (`GIT_ERROR_REFERENCE`).
    public let errorClass: Int32
    /// libgit2's message, e.g. `revspec 'x' not found`.
    public let message: String

    /// Creates a report.
    public init(code: Int32, errorClass: Int32, message: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
    }

    /// `libgit2 <code>/<class>: <message>`.
    public var description: String { "libgit2 \(code)/class \(errorClass): \(message)" }
}
