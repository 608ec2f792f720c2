public import Manifests

/// Why a cluster does not fit the quota.
public struct QuotaShortfall: Sendable, Hashable {
    public var policy: String
    public var message: String
    /// The largest `max_instances` that fits (0 when none does).
    public var largestFit: Int
    public var fix: String
}

/// Core accounting against quota policies: the worst case of every cluster
/// (`max_instances x vCPUs`) per location, VM family and tier.
public struct QuotaLedger: Sendable {
    private let policies: [QuotaPolicy]
    private let catalog: VMSizeCatalog
    private let defaultLocation: String
    /// Cores held, by "location|family|tier" and by "location||tier" for regional totals.
    private var held: [String: Int] = [:]

    public init(policies: [QuotaPolicy], catalog: VMSizeCatalog, defaultLocation: String) {
        self.policies = policies
        self.catalog = catalog
        self.defaultLocation = defaultLocation
    }

    private func location(of spec: ClusterSpec) -> String { (spec.location ?? defaultLocation).lowercased() }

    /// Counts a cluster that exists or is planned.
    public mutating func hold(_ spec: ClusterSpec) {
        guard let size = catalog.size(named: spec.size) else { return }
        let cores = spec.maxInstances * size.vCPUs
        held["\(location(of: spec))|\(size.family.lowercased())|\(spec.tier.rawValue)", default: 0] += cores
        held["\(location(of: spec))||\(spec.tier.rawValue)", default: 0] += cores
    }

    /// Whether `spec` fits on top of what is held; nil when it does.
    public func shortfall(for spec: ClusterSpec, cluster: String) -> QuotaShortfall? {
        guard let size = catalog.size(named: spec.size), size.vCPUs > 0 else { return nil }
        let location = location(of: spec)
        let tierWord = spec.tier == .dedicated ? "dedicated" : "low-priority"
        let needed = spec.maxInstances * size.vCPUs
        for policy in policies where policy.location.lowercased() == location {
            if spec.maxInstances > policy.maxNodesPerCluster {
                return QuotaShortfall(
                    policy: policy.name,
                    message: "max_instances \(spec.maxInstances) exceeds the per-cluster node cap of \(policy.maxNodesPerCluster) in quota policy '\(policy.name)'",
                    largestFit: policy.maxNodesPerCluster,
                    fix: "set max_instances to at most \(policy.maxNodesPerCluster), or declare a larger max_nodes_per_cluster allowance")
            }
            let family = policy.families.first { $0.family.lowercased() == size.family.lowercased() }
            let familyLimit = spec.tier == .dedicated ? family?.dedicatedCores : family?.lowPriorityCores
            let limit = familyLimit ?? (family == nil ? policy.defaultFamilyCores : nil)
            if let limit {
                let used = held["\(location)|\(size.family.lowercased())|\(spec.tier.rawValue)", default: 0]
                if used + needed > limit {
                    let left = max(0, limit - used)
                    let fit = left / size.vCPUs
                    return QuotaShortfall(
                        policy: policy.name,
                        message: "needs \(needed) \(tierWord) cores of \(size.family) in \(location); \(left) are left of \(limit) (quota policy '\(policy.name)'); max_instances \(fit) fits",
                        largestFit: fit,
                        fix: fit > 0 ? "set max_instances to \(fit), pick another size, or raise the quota" : "pick a size of another family with room, or raise the quota")
                }
            }
            let total = spec.tier == .dedicated ? policy.totalDedicatedCores : policy.totalLowPriorityCores
            if let total {
                let used = held["\(location)||\(spec.tier.rawValue)", default: 0]
                if used + needed > total {
                    let left = max(0, total - used)
                    let fit = left / size.vCPUs
                    return QuotaShortfall(
                        policy: policy.name,
                        message: "needs \(needed) \(tierWord) cores in \(location); \(left) are left of the regional total \(total) (quota policy '\(policy.name)'); max_instances \(fit) fits",
                        largestFit: fit,
                        fix: "set max_instances to \(fit), or raise the regional quota")
                }
            }
        }
        return nil
    }
}
