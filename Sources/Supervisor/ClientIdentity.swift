/// The identity a launched client gets in its environment (PROTOCOL.md, "Authentication").
public struct ClientIdentity: Hashable, Sendable {
    /// `URBAN_ROBOT_URL`: the channel's base URL.
    public var url: String
    /// `URBAN_ROBOT_INSTANCE`: the client id, e.g. `shard-0.7`.
    public var clientID: String
    /// `URBAN_ROBOT_KEY`: the secret of this launch only.
    public var key: String
    /// `URBAN_ROBOT_SHARD`.
    public var shard: Int
    /// `URBAN_ROBOT_SHARD_COUNT`.
    public var shardCount: Int
    /// `URBAN_ROBOT_REVISION`: the full commit id.
    public var revision: String

    /// Creates an identity.
    public init(url: String, clientID: String, key: String, shard: Int, shardCount: Int, revision: String) {
        self.url = url
        self.clientID = clientID
        self.key = key
        self.shard = shard
        self.shardCount = shardCount
        self.revision = revision
    }
}
