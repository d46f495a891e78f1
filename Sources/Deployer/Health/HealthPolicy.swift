/// A client's answer to `cmd health_check`.
public struct HealthReport: Hashable, Sendable, Codable {
    /// The client's own verdict.
    public var ok: Bool
    /// The share of its parts that work, 0 to 100.
    public var percent: Double
    /// Each cog (extension) by name, and whether it loaded.
    public var cogs: [String: Bool]
    /// Free-form details, flattened to text.
    public var details: [String: String]

    enum CodingKeys: String, CodingKey {
        case ok = "OK", percent, cogs, details
    }

    /// Makes a report.
    public init(ok: Bool, percent: Double, cogs: [String: Bool] = [:], details: [String: String] = [:]) {
        self.ok = ok
        self.percent = percent
        self.cogs = cogs
        self.details = details
    }

    /// Decodes the `health_check` payload; `details` is kept only when its values are strings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ok = try container.decode(Bool.self, forKey: .ok)
        percent = try container.decodeIfPresent(Double.self, forKey: .percent) ?? (ok ? 100 : 0)
        cogs = try container.decodeIfPresent([String: Bool].self, forKey: .cogs) ?? [:]
        details = (try? container.decodeIfPresent([String: String].self, forKey: .details)) ?? [:]
    }
}

/// What a health report must show to pass (PROTOCOL.md, "Health check spec").
///
/// A report passes when `OK` is true; otherwise only when every vital cog is present and true and
/// `percent` is at least `minPercent`.
public struct HealthPolicy: Hashable, Sendable {
    /// Cogs that must be present and true in a report that is not OK.
    public var vitalCogs: [String]
    /// The least `percent` a report that is not OK may show.
    public var minPercent: Double

    /// Makes a policy; the defaults are the configuration's (`vital_cogs = []`, `min_percent = 100`).
    public init(vitalCogs: [String] = [], minPercent: Double = 100) {
        self.vitalCogs = vitalCogs
        self.minPercent = minPercent
    }

    /// Judges a report: `nil` when it passes, else the reason it fails.
    public func judge(_ report: HealthReport) -> FailureReason? {
        if report.ok { return nil }
        let failedCogs = vitalCogs.filter { report.cogs[$0] != true }
        if !failedCogs.isEmpty { return .vitalCogFailure(cogs: failedCogs) }
        if report.percent < minPercent { return .healthCheckFailure(percent: report.percent) }
        return nil
    }
}
