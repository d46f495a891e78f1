public import Foundation

extension ReleaseStore {
    /// What a ``ReleaseStore`` works on; the fields map to urban-robot's configuration keys.
    public struct Configuration: Sendable {
        /// `state.dir`: holds `repo.git` and `releases/`; created when missing.
        public var stateDirectory: String
        /// `source.url`: a path, `file://`, `https://` or `ssh://` URL.
        public var sourceURL: String
        /// `source.branch`: the mirror's `HEAD` points at it, so the revision `HEAD` means its tip.
        public var branch: String
        /// Credentials for `https://` (a token) or `ssh://` (a key file) sources.
        public var credentials: GitCredentials
        /// `state.good_tag_prefix`: good tags are named `<prefix><UTC timestamp>`.
        public var goodTagPrefix: String
        /// `state.keep_releases`: how many releases ``ReleaseStore/removeOldReleases(protecting:keep:)`` keeps.
        public var keepReleases: Int
        /// `state.push_tags`: push each new good tag to the source.
        public var pushTags: Bool
        /// The name on good tags and bad marks.
        public var taggerName: String
        /// The e-mail address on good tags and bad marks.
        public var taggerEmail: String
        /// The clock that dates good tags and bad marks (injected by tests).
        public var now: @Sendable () -> Date

        /// Creates a configuration with urban-robot's defaults for the optional settings.
        public init(
            stateDirectory: String,
            sourceURL: String,
            branch: String = "main",
            credentials: GitCredentials = .none,
            goodTagPrefix: String = "good/",
            keepReleases: Int = 5,
            pushTags: Bool = false,
            taggerName: String = "urban-robot",
            taggerEmail: String = "urban-robot@localhost",
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.stateDirectory = stateDirectory
            self.sourceURL = sourceURL
            self.branch = branch
            self.credentials = credentials
            self.goodTagPrefix = goodTagPrefix
            self.keepReleases = keepReleases
            self.pushTags = pushTags
            self.taggerName = taggerName
            self.taggerEmail = taggerEmail
            self.now = now
        }
    }
}
