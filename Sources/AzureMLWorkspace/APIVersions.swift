import Foundation

/// The api-version of every resource type, pinned in this one place (reference §0).
///
/// The defaults are GA versions that carry every field mlgitops sends; override one with
/// `MLGITOPS_ARM_API_VERSIONS="computes=2025-06-01,jobs=2025-06-01"` (or ``init(overrides:)``).
public struct APIVersions: Sendable, Hashable {
    public var workspaces = "2024-10-01"
    public var computes = "2024-10-01"
    public var environments = "2024-10-01"
    public var jobs = "2024-10-01"
    public var schedules = "2024-10-01"
    public var components = "2024-10-01"
    public var codes = "2024-10-01"
    public var datastores = "2024-10-01"
    public var usages = "2024-10-01"
    public var locks = "2020-05-01"

    public init() {}

    /// The defaults with `type=version` pairs applied; unknown types are reported.
    public init(overrides text: String) throws(InvalidOverride) {
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[1].isEmpty else { throw InvalidOverride(text: String(pair)) }
            switch parts[0] {
            case "workspaces": workspaces = parts[1]
            case "computes": computes = parts[1]
            case "environments": environments = parts[1]
            case "jobs": jobs = parts[1]
            case "schedules": schedules = parts[1]
            case "components": components = parts[1]
            case "codes": codes = parts[1]
            case "datastores": datastores = parts[1]
            case "usages": usages = parts[1]
            case "locks": locks = parts[1]
            default: throw InvalidOverride(text: String(pair))
            }
        }
    }

    /// An override that names no known resource type or no version.
    public struct InvalidOverride: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "api-version override '\(text)': expected TYPE=VERSION with TYPE one of workspaces, computes, environments, jobs, schedules, components, codes, datastores, usages, locks"
        }
    }
}
