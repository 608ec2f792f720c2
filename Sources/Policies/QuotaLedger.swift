public import Manifests

/// Why a cluster or a job does not fit the quota: the rule's message (with the numbers), what
/// would work, and the platform's error code when the platform itself would refuse.
public struct QuotaShortfall: Sendable, Hashable {
    /// The policy whose limit binds (empty when no single one does).
    public var policy: String
    /// What does not fit, with the numbers.
    public var message: String
    /// The largest `max_instances` (or `instance_count`) that fits (0 when none does).
    public var largestFit: Int
    /// What would work.
    public var fix: String
    /// `ClusterMinNodesExceedCoreQuota`, `JobNodeCountExceedsCoreQuota`, or nil when only our
    /// worst-case arithmetic (not the platform) refuses.
    public var code: String?
}

/// How a serverless job's nodes fit the quota.
public enum ServerlessFit: Sendable, Hashable {
    /// There is room now.
    case fits
    /// The limits admit it, but cores held by clusters or other work make it wait in the queue.
    case queues(String)
    /// The limits never admit it.
    case never(QuotaShortfall)
}

/// Core accounting against quota policies: the worst case of every cluster
/// (`max_instances x vCPUs`) and the cores in use outside clusters, per location, VM family
/// and tier, against each policy's family limits and regional totals (docs/quota-policies.md).
///
/// A workspace-scoped and a subscription-scoped policy of the same location both apply: a
/// cluster must fit each. A family's limit is its entry's number for the tier (none when the
/// entry leaves the tier out); a family without an entry gets `default_family_cores`, else none.
public struct QuotaLedger: Sendable {
    /// One limit that applies to a family and tier.
    struct Limit {
        var policy: QuotaPolicy
        /// nil for the regional total.
        var family: String?
        var cores: Int
        /// Whether the number is the policy's `default_family_cores` (the family has no entry).
        var fromDefault = false
    }

    /// Who holds cores: a cluster's worst case, or use outside clusters.
    struct Holder: Hashable {
        var name: String
        var cores: Int
    }

    private let policies: [QuotaPolicy]
    private let catalog: VMSizeCatalog
    private let defaultLocation: String
    /// Holders by "location|family|tier", and by "location||tier" for regional totals.
    private var held: [String: [Holder]] = [:]

    /// A ledger over `policies`; clusters without a location are in `defaultLocation`.
    public init(policies: [QuotaPolicy], catalog: VMSizeCatalog, defaultLocation: String) {
        self.policies = policies.sorted { $0.name < $1.name }
        self.catalog = catalog
        self.defaultLocation = defaultLocation.lowercased()
    }

    /// Counts cores in use outside clusters (compute instances, running serverless jobs).
    public mutating func holdUsage(location: String, family: String, tier: ComputeTier, cores: Int) {
        guard cores > 0 else { return }
        add(Holder(name: "use outside clusters", cores: cores), Self.key(location, family, tier))
        add(Holder(name: "use outside clusters", cores: cores), Self.key(location, nil, tier))
    }

    /// Adds `holder` under `key`, summing with an earlier holder of the same name.
    private mutating func add(_ holder: Holder, _ key: String) {
        if let index = held[key]?.firstIndex(where: { $0.name == holder.name }) {
            held[key]![index].cores += holder.cores
        } else {
            held[key, default: []].append(holder)
        }
    }

    private static func key(_ location: String, _ family: String?, _ tier: ComputeTier) -> String {
        "\(location.lowercased())|\(family?.lowercased() ?? "")|\(tier.rawValue)"
    }

    private static func tierWord(_ tier: ComputeTier) -> String { tier == .dedicated ? "dedicated" : "low-priority" }

    /// The region of a cluster: its own `location`, else the workspace's.
    public func location(of spec: ClusterSpec) -> String { (spec.location ?? defaultLocation).lowercased() }

    /// Counts a cluster that exists or is planned, under `name` (e.g. `compute/cpu`).
    public mutating func hold(_ spec: ClusterSpec, as name: String) {
        guard let size = catalog.size(named: spec.size) else { return }
        let holder = Holder(name: name, cores: spec.maxInstances * size.vCPUs)
        guard holder.cores > 0 else { return }
        add(holder, Self.key(location(of: spec), size.family, spec.tier))
        add(holder, Self.key(location(of: spec), nil, spec.tier))
    }

    /// The limits on `family` and `tier` in `location`: family limits first, then regional totals.
    func limits(_ location: String, _ family: String, _ tier: ComputeTier) -> [Limit] {
        var familyLimits: [Limit] = [], totals: [Limit] = []
        for policy in policies where policy.location.lowercased() == location.lowercased() {
            let entry = policy.families.first { $0.family.lowercased() == family.lowercased() }
            let number = tier == .dedicated ? entry?.dedicatedCores : entry?.lowPriorityCores
            // An entry without a number for this tier leaves the tier unlimited, as the local
            // runner's admission reads it; only a family without an entry takes the default.
            if let cores = entry == nil ? policy.defaultFamilyCores : number {
                familyLimits.append(Limit(policy: policy, family: entry?.family ?? family, cores: cores, fromDefault: entry == nil))
            }
            if let total = tier == .dedicated ? policy.totalDedicatedCores : policy.totalLowPriorityCores {
                totals.append(Limit(policy: policy, family: nil, cores: total))
            }
        }
        return familyLimits + totals
    }

    private func holders(_ location: String, _ limit: Limit, _ tier: ComputeTier) -> [Holder] {
        held[Self.key(location, limit.family, tier)] ?? []
    }

    private func left(_ location: String, _ limit: Limit, _ tier: ComputeTier) -> Int {
        max(0, limit.cores - holders(location, limit, tier).reduce(0) { $0 + $1.cores })
    }

    /// `workspace quota policy 'we' allows 48; 24 held by compute/a 16, use outside clusters 8`,
    /// or `... allows 48; nothing else holds any`.
    private func account(_ location: String, _ limit: Limit, _ tier: ComputeTier) -> String {
        let holders = holders(location, limit, tier)
        let scope = "\(limit.policy.scope.rawValue) quota policy '\(limit.policy.name)'"
        let what = limit.family == nil
            ? " \(Self.tierWord(tier)) cores in \(location)" : limit.fromDefault ? " (default_family_cores)" : ""
        guard !holders.isEmpty else { return "\(scope) allows \(limit.cores)\(what); nothing else holds any" }
        let total = holders.reduce(0) { $0 + $1.cores }
        let names = holders.prefix(4).map { "\($0.name) \($0.cores)" }.joined(separator: ", ")
        return "\(scope) allows \(limit.cores)\(what); \(total) held by \(names)\(holders.count > 4 ? ", ..." : "")"
    }

    private func subject(_ limit: Limit, _ tier: ComputeTier, _ location: String) -> String {
        limit.family.map { "\(Self.tierWord(tier)) cores of \($0) in \(location)" } ?? "\(Self.tierWord(tier)) cores in \(location)"
    }

    /// Whether a cluster fits on top of what is held; nil when it does. A `min_instances` that
    /// does not fit is what the platform refuses (`ClusterMinNodesExceedCoreQuota`); a
    /// `max_instances` that does not fit is our worst case.
    public func shortfall(for spec: ClusterSpec) -> QuotaShortfall? {
        guard let size = catalog.size(named: spec.size), size.vCPUs > 0 else { return nil }
        let region = location(of: spec)
        let applying = limits(region, size.family, spec.tier)
        if let none = applying.first(where: { $0.family != nil && $0.cores == 0 }) {
            return noQuota(size, spec.tier, region, none, minInstances: spec.minInstances)
        }
        let binding = applying.min { left(region, $0, spec.tier) < left(region, $1, spec.tier) }
        guard let binding else { return nil }
        let remaining = left(region, binding, spec.tier)
        let fit = remaining / size.vCPUs
        let what = subject(binding, spec.tier, region)
        let rooms = roomText(excluding: size, tier: spec.tier, location: region)
        if spec.minInstances * size.vCPUs > remaining {
            return QuotaShortfall(
                policy: binding.policy.name,
                message: "min_instances \(spec.minInstances) needs \(spec.minInstances * size.vCPUs) \(what); \(remaining) are left, "
                    + "so the platform would refuse the cluster (ClusterMinNodesExceedCoreQuota); min_instances \(fit) fits "
                    + "(\(account(region, binding, spec.tier)))",
                largestFit: fit,
                fix: "lower min_instances to \(fit) (0 releases idle nodes) and max_instances to \(fit), "
                    + "pick a size of a family with room (\(rooms)), or raise the quota",
                code: "ClusterMinNodesExceedCoreQuota")
        }
        let needed = spec.maxInstances * size.vCPUs
        guard needed > remaining else { return nil }
        let regional = binding.family == nil ? " of the regional total" : ""
        return QuotaShortfall(
            policy: binding.policy.name,
            message: "needs \(needed) \(what); \(remaining) are left\(regional); max_instances \(fit) fits (\(account(region, binding, spec.tier)))",
            largestFit: fit,
            fix: (fit > 0 ? "set max_instances to \(fit), pick" : "pick") + " a size of a family with room (\(rooms)), or raise the quota")
    }

    /// How `nodes` of `size` for a serverless job fit in `location`.
    public func serverlessFit(size: VMSize, nodes: Int, tier: ComputeTier, location: String) -> ServerlessFit {
        guard size.vCPUs > 0 else { return .fits }
        let region = location.lowercased()
        let applying = limits(region, size.family, tier)
        if let none = applying.first(where: { $0.family != nil && $0.cores == 0 }) {
            var shortfall = noQuota(size, tier, region, none, minInstances: 0)
            shortfall.code = "JobNodeCountExceedsCoreQuota"
            return .never(shortfall)
        }
        let needed = nodes * size.vCPUs
        if let tightest = applying.min(by: { $0.cores < $1.cores }), needed > tightest.cores {
            let fit = tightest.cores / size.vCPUs
            return .never(QuotaShortfall(
                policy: tightest.policy.name,
                message: "\(nodes) node(s) of \(size.name) need \(needed) \(subject(tightest, tier, region)); "
                    + "the limit is \(tightest.cores) (\(tightest.policy.scope.rawValue) quota policy '\(tightest.policy.name)'), "
                    + "so the platform would refuse the job (JobNodeCountExceedsCoreQuota); instance_count \(fit) fits",
                largestFit: fit,
                fix: (fit > 0 ? "set resources.instance_count to \(fit), pick" : "pick")
                    + " a size of a family with room (\(roomText(excluding: size, tier: tier, location: region))), or raise the quota",
                code: "JobNodeCountExceedsCoreQuota"))
        }
        for limit in applying where needed > left(region, limit, tier) {
            return .queues(
                "needs \(needed) \(subject(limit, tier, region)); \(left(region, limit, tier)) are left now "
                    + "(\(account(region, limit, tier))), so it waits in the queue until cores free up")
        }
        return .fits
    }

    private func noQuota(_ size: VMSize, _ tier: ComputeTier, _ location: String, _ limit: Limit, minInstances: Int) -> QuotaShortfall {
        let rooms = roomText(excluding: size, tier: tier, location: location)
        let platform = minInstances > 0
            ? "; min_instances \(minInstances) needs \(minInstances * size.vCPUs), so the platform would refuse the cluster (ClusterMinNodesExceedCoreQuota)"
            : ""
        return QuotaShortfall(
            policy: limit.policy.name,
            message: "\(limit.family ?? size.family) has no \(Self.tierWord(tier)) quota in \(location) "
                + "(\(limit.policy.scope.rawValue) quota policy '\(limit.policy.name)' gives it 0 cores\(limit.fromDefault ? " by default_family_cores" : "")); "
                + "\(size.name) needs \(size.vCPUs) per node"
                + platform + "; families with room: \(rooms)",
            largestFit: 0,
            fix: "pick a size of a family with room (\(rooms)), or request \(Self.tierWord(tier)) quota for \(limit.family ?? size.family)",
            code: minInstances > 0 ? "ClusterMinNodesExceedCoreQuota" : nil)
    }

    /// Families other than `size`'s with room for at least one node of a size of the same kind
    /// (GPU or CPU) in `location`: the ones limited by a policy, most room first, then unlimited ones.
    public func familiesWithRoom(excluding size: VMSize, tier: ComputeTier, location: String, limit: Int = 3)
        -> [(family: String, left: Int?, example: String)]
    {
        let region = location.lowercased()
        let usable = catalog.sizes.values.filter {
            $0.retired == nil && $0.clusters && ($0.gpus > 0) == (size.gpus > 0) && $0.family.lowercased() != size.family.lowercased()
        }
        var byFamily: [String: [VMSize]] = [:]
        for candidate in usable { byFamily[candidate.family, default: []].append(candidate) }
        var limited: [(String, Int?, String)] = [], unlimited: [(String, Int?, String)] = []
        for (family, sizes) in byFamily {
            let room = limits(region, family, tier).map { left(region, $0, tier) }.min()
            // The size nearest in vCPUs to the one asked for that still fits one node.
            let fitting = sizes.filter { room == nil || $0.vCPUs <= room! }
            guard let example = fitting.min(by: {
                (abs($0.vCPUs - size.vCPUs), $0.vCPUs, $0.name) < (abs($1.vCPUs - size.vCPUs), $1.vCPUs, $1.name)
            }) else { continue }
            if let room { limited.append((family, room, example.name)) } else { unlimited.append((family, nil, example.name)) }
        }
        limited.sort { ($0.1 ?? 0, $1.0) > ($1.1 ?? 0, $0.0) }
        unlimited.sort { $0.0 < $1.0 }
        return (limited + unlimited).prefix(limit).map { (family: $0.0, left: $0.1, example: $0.2) }
    }

    private func roomText(excluding size: VMSize, tier: ComputeTier, location: String) -> String {
        let rooms = familiesWithRoom(excluding: size, tier: tier, location: location)
        guard !rooms.isEmpty else { return "none has room" }
        return rooms.map { room in
            room.left.map { "\(room.family): \($0) cores left, e.g. \(room.example)" } ?? "\(room.family): no limit, e.g. \(room.example)"
        }.joined(separator: "; ")
    }
}
