/// The kinds of resource mlgitops reconciles, in the order a plan handles them.
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case quotaPolicy = "quota_policy"
    case resourceLock = "resource_lock"
    case compute
    case environment
    case job
    case schedule

    /// Plan order: quota and locks, then clusters, then environments, then jobs and schedules.
    public var planOrder: Int {
        switch self {
        case .quotaPolicy: 0
        case .resourceLock: 1
        case .compute: 2
        case .environment: 3
        case .job: 4
        case .schedule: 5
        }
    }

    public static func < (a: ResourceKind, b: ResourceKind) -> Bool { a.planOrder < b.planOrder }
}

/// A resource's identity: its kind and its name, written `compute/cpu-cluster`.
public struct ResourceID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var kind: ResourceKind
    public var name: String

    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    public static func < (a: ResourceID, b: ResourceID) -> Bool {
        a.kind != b.kind ? a.kind < b.kind : a.name < b.name
    }
}
