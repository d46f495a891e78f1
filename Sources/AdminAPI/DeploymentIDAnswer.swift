/// `{"id": N}`: the answer to a deployment or rollback request (202); `{"id": null, "message": "..."}` (200) when
/// there was nothing to do (the revision already serves every instance).
package struct DeploymentIDAnswer: Codable {
    /// The deployment's id: a new one, or the one already deploying or waiting for the same revision.
    package var id: Int?
    /// Why nothing was done, when `id` is null.
    package var message: String?

    /// An answer from its fields.
    package init(id: Int?, message: String? = nil) {
        self.id = id
        self.message = message
    }

    /// Encodes both keys, `null` included.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(message, forKey: .message)
    }
}
