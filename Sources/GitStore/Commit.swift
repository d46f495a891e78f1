public import FleetTypes
public import Foundation

/// A commit: its full id (the ``Revision`` the engine deploys) and the summary a person recognises it by.
public struct Commit: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The full 40-hex commit id.
    public let id: Revision
    /// The author's name.
    public let author: String
    /// The author's e-mail address.
    public let authorEmail: String
    /// The commit (committer) time.
    public let time: Date
    /// The first line of the commit message.
    public let subject: String

    /// Creates a commit description.
    public init(id: Revision, author: String, authorEmail: String, time: Date, subject: String) {
        self.id = id
        self.author = author
        self.authorEmail = authorEmail
        self.time = time
        self.subject = subject
    }

    /// `<short id> <subject>`.
    public var description: String { "\(id.shortID) \(subject)" }
}

/// A checked-out release: the immutable folder `<state>/releases/<full id>/`.
public struct Release: Sendable, Hashable, CustomStringConvertible {
    /// The full commit id the release holds.
    public let id: String
    /// The absolute path of the release folder.
    public let directory: String
    /// When the checkout completed (the modification time of its `REVISION` file).
    public let checkedOutAt: Date

    /// Creates a release description.
    public init(id: String, directory: String, checkedOutAt: Date) {
        self.id = id
        self.directory = directory
        self.checkedOutAt = checkedOutAt
    }

    /// The folder path.
    public var description: String { directory }
}

/// What a fetch changed.
public struct FetchResult: Sendable, Hashable {
    /// Branch names the source has that name a commit (without `refs/heads/`).
    public let branches: [String]
    /// Branches deleted from the mirror because the source no longer has them.
    public let prunedBranches: [String]
    /// Tags (full names) deleted from the mirror because the source no longer has them or moved them;
    /// never a good tag.
    public let prunedTags: [String]
    /// The fetched references of the source that name no commit (full name → what they name, e.g.
    /// `a blob`, `a tag on a tree`); the mirror does not keep them.
    public let referencesNamingNoCommit: [String: String]
    /// Objects received from the source.
    public let receivedObjects: Int
    /// Bytes received from the source.
    public let receivedBytes: Int

    /// Creates a fetch result.
    public init(
        branches: [String],
        prunedBranches: [String],
        prunedTags: [String] = [],
        referencesNamingNoCommit: [String: String] = [:],
        receivedObjects: Int,
        receivedBytes: Int
    ) {
        self.branches = branches
        self.prunedBranches = prunedBranches
        self.prunedTags = prunedTags
        self.referencesNamingNoCommit = referencesNamingNoCommit
        self.receivedObjects = receivedObjects
        self.receivedBytes = receivedBytes
    }
}

/// Progress of a fetch, as libgit2's indexer reports it.
public struct FetchProgress: Sendable, Hashable {
    /// Objects the source is sending in total (0 until known).
    public let totalObjects: Int
    /// Objects received so far.
    public let receivedObjects: Int
    /// Objects indexed so far.
    public let indexedObjects: Int
    /// Bytes received so far.
    public let receivedBytes: Int

    /// Creates a progress report.
    public init(totalObjects: Int, receivedObjects: Int, indexedObjects: Int, receivedBytes: Int) {
        self.totalObjects = totalObjects
        self.receivedObjects = receivedObjects
        self.indexedObjects = indexedObjects
        self.receivedBytes = receivedBytes
    }

    /// Received objects as a fraction of the total, from 0 to 1 (0 while the total is unknown).
    public var fractionReceived: Double {
        totalObjects == 0 ? 0 : Double(receivedObjects) / Double(totalObjects)
    }
}
