/// A service as `GET /services/{id}` returns it.
public struct ServiceInfo: Decodable, Sendable, Equatable {
    /// The service's id.
    public var id: String
    /// Its spec.
    public var spec: ServiceSpec

    enum CodingKeys: String, CodingKey { case id = "ID", spec = "Spec" }
}
