/// Where a quota policy applies.
public enum QuotaScope: String, Sendable, Hashable, Codable {
    case workspace, subscription
}

/// Core limits of one VM family.
public struct FamilyQuota: Sendable, Hashable, Codable {
    /// e.g. `standardNCSv3Family`.
    public var family: String
    public var dedicatedCores: Int?
    public var lowPriorityCores: Int?
    public init(family: String, dedicatedCores: Int?, lowPriorityCores: Int?) {
        self.family = family
        self.dedicatedCores = dedicatedCores
        self.lowPriorityCores = lowPriorityCores
    }
}

/// Our own kind `quota_policy`: core limits per location and VM family (docs/quota-policies.md).
public struct QuotaPolicy: Sendable, Hashable, Codable {
    public var name: String
    public var location: String
    public var scope: QuotaScope
    /// The per-cluster node cap (100 unless an allowance is declared).
    public var maxNodesPerCluster: Int
    public var totalDedicatedCores: Int?
    public var totalLowPriorityCores: Int?
    /// Cores allowed to a family without an entry (nil: no limit).
    public var defaultFamilyCores: Int?
    public var families: [FamilyQuota]
    public var source: SourceLocation

    public init(
        name: String, location: String, scope: QuotaScope = .workspace, maxNodesPerCluster: Int = 100,
        totalDedicatedCores: Int? = nil, totalLowPriorityCores: Int? = nil, defaultFamilyCores: Int? = nil,
        families: [FamilyQuota] = [], source: SourceLocation
    ) {
        self.name = name
        self.location = location
        self.scope = scope
        self.maxNodesPerCluster = maxNodesPerCluster
        self.totalDedicatedCores = totalDedicatedCores
        self.totalLowPriorityCores = totalLowPriorityCores
        self.defaultFamilyCores = defaultFamilyCores
        self.families = families
        self.source = source
    }
}
