public import EmbeddedWorkspace
import Manifests
public import Policies
import Workspaces

/// What one step asks of compute.
public struct ComputeRequest: Sendable, Hashable {
    /// Where it runs, with the pipeline's default already applied.
    public enum Target: Sendable, Hashable {
        case cluster(String)
        case serverless
        case local
    }
    public var job: String
    public var step: String
    public var target: Target
    public var nodes: Int
    /// `resources.instance_type` (serverless only).
    public var instanceType: String?
    /// `queue_settings.job_tier: spot`: low-priority cores.
    public var spot: Bool

    public init(job: String, step: String, target: Target, nodes: Int, instanceType: String?, spot: Bool) {
        self.job = job
        self.step = step
        self.target = target
        self.nodes = nodes
        self.instanceType = instanceType
        self.spot = spot
    }
}

/// Decides whether a step may start: a cluster offers at most `max_instances` nodes at once,
/// and the cores of every running step count against the quota policies of their location,
/// per VM family and tier and against the regional totals. A request that can never fit is
/// refused with the largest node count that would; one that fits but finds the nodes or cores
/// held by others waits, with the holders named.
public enum ComputeAdmission {
    public static func decide(
        _ request: ComputeRequest, _ snapshot: ComputeSnapshot, catalog: VMSizeCatalog = .shipped
    ) -> AllocationDecision {
        switch request.target {
        case .local:
            return .grant(
                ComputeAllocation(
                    job: request.job, step: request.step, cluster: nil, location: snapshot.location, family: "local",
                    tier: .dedicated, nodes: request.nodes, cores: 0))
        case .cluster(let name):
            return decideCluster(name, request, snapshot, catalog)
        case .serverless:
            return decideServerless(request, snapshot, catalog)
        }
    }

    private static func decideCluster(
        _ name: String, _ request: ComputeRequest, _ snapshot: ComputeSnapshot, _ catalog: VMSizeCatalog
    ) -> AllocationDecision {
        guard let cluster = snapshot.clusters.first(where: { $0.name == name }) else {
            return .refuse(
                reason: "compute/\(name) does not exist in the workspace; declare the cluster in the repository or change the step's compute")
        }
        let spec = cluster.spec
        if request.nodes > spec.maxInstances {
            return .refuse(
                reason:
                    "asks for \(request.nodes) node(s) but compute/\(name) offers at most \(spec.maxInstances) (max_instances); \(spec.maxInstances) fit"
            )
        }
        let size = catalog.size(named: spec.size)
        let location = (spec.location ?? snapshot.location).lowercased()
        let allocation = ComputeAllocation(
            job: request.job, step: request.step, cluster: name, location: location,
            family: size?.family ?? spec.size, tier: spec.tier, nodes: request.nodes,
            cores: request.nodes * (size?.vCPUs ?? 0))
        if let size, let refusal = neverFits(allocation, vCPUs: size.vCPUs, snapshot) { return .refuse(reason: refusal) }
        let holders = snapshot.allocations.filter { $0.cluster == name }
        let inUse = holders.reduce(0) { $0 + $1.nodes }
        if inUse + request.nodes > spec.maxInstances {
            return .wait(
                reason:
                    "waiting for \(request.nodes) node(s) of compute/\(name): \(inUse) of \(spec.maxInstances) in use by \(describe(holders))"
            )
        }
        if let size, let wait = heldByOthers(allocation, vCPUs: size.vCPUs, snapshot) { return .wait(reason: wait) }
        return .grant(allocation)
    }

    private static func decideServerless(
        _ request: ComputeRequest, _ snapshot: ComputeSnapshot, _ catalog: VMSizeCatalog
    ) -> AllocationDecision {
        let tier: ComputeTier = request.spot ? .lowPriority : .dedicated
        let location = snapshot.location.lowercased()
        func allocation(_ size: VMSize) -> ComputeAllocation {
            ComputeAllocation(
                job: request.job, step: request.step, cluster: nil, location: location, family: size.family, tier: tier,
                nodes: request.nodes, cores: request.nodes * size.vCPUs)
        }
        if let name = request.instanceType {
            guard let size = catalog.size(named: name) else {
                let near = catalog.nearest(to: name).joined(separator: ", ")
                return .refuse(reason: "resources.instance_type '\(name)' is not a known VM size; did you mean \(near)?")
            }
            let wanted = allocation(size)
            if let refusal = neverFits(wanted, vCPUs: size.vCPUs, snapshot) { return .refuse(reason: refusal) }
            if let wait = heldByOthers(wanted, vCPUs: size.vCPUs, snapshot) { return .wait(reason: wait) }
            return .grant(wanted)
        }
        // The cheapest CPU size (fewest vCPUs) that the quota admits: now, else ever.
        let candidates = catalog.sizes.values
            .filter { $0.gpus == 0 && $0.clusters && $0.retired == nil }
            .sorted { ($0.vCPUs, $0.memoryGB, $0.name) < ($1.vCPUs, $1.memoryGB, $1.name) }
        var eventual: (VMSize, String)?
        for size in candidates {
            let wanted = allocation(size)
            if neverFits(wanted, vCPUs: size.vCPUs, snapshot) != nil { continue }
            if let wait = heldByOthers(wanted, vCPUs: size.vCPUs, snapshot) {
                if eventual == nil { eventual = (size, wait) }
                continue
            }
            return .grant(wanted)
        }
        if let (size, wait) = eventual { return .wait(reason: "serverless \(size.name): \(wait)") }
        return .refuse(
            reason:
                "no CPU size has \(tier == .dedicated ? "dedicated" : "low-priority") quota for \(request.nodes) node(s) in \(location); lower instance_count or raise the quota"
        )
    }

    /// The limits that apply to an allocation: (policy, limit, whether regional).
    private static func limits(
        _ allocation: ComputeAllocation, _ snapshot: ComputeSnapshot
    ) -> [(policy: String, limit: Int, regional: Bool)] {
        var result: [(String, Int, Bool)] = []
        for policy in snapshot.policies where policy.location.lowercased() == allocation.location.lowercased() {
            let family = policy.families.first { $0.family.lowercased() == allocation.family.lowercased() }
            let familyLimit = allocation.tier == .dedicated ? family?.dedicatedCores : family?.lowPriorityCores
            if let limit = familyLimit ?? (family == nil ? policy.defaultFamilyCores : nil) {
                result.append((policy.name, limit, false))
            }
            let total = allocation.tier == .dedicated ? policy.totalDedicatedCores : policy.totalLowPriorityCores
            if let total { result.append((policy.name, total, true)) }
        }
        return result
    }

    private static func tierWord(_ tier: ComputeTier) -> String { tier == .dedicated ? "dedicated" : "low-priority" }

    private static func neverFits(_ allocation: ComputeAllocation, vCPUs: Int, _ snapshot: ComputeSnapshot) -> String? {
        guard vCPUs > 0 else { return nil }
        for (policy, limit, regional) in limits(allocation, snapshot) where allocation.cores > limit {
            let fit = limit / vCPUs
            let scope = regional ? "the regional total" : "\(allocation.family)"
            return
                "needs \(allocation.cores) \(tierWord(allocation.tier)) cores (\(allocation.nodes) x \(vCPUs)) but quota policy '\(policy)' allows \(limit) for \(scope) in \(allocation.location); \(fit) node(s) fit: lower instance_count to \(fit), pick another size, or raise the quota"
        }
        return nil
    }

    private static func heldByOthers(_ allocation: ComputeAllocation, vCPUs: Int, _ snapshot: ComputeSnapshot) -> String? {
        for (policy, limit, regional) in limits(allocation, snapshot) {
            let sameScope = snapshot.allocations.filter {
                $0.location.lowercased() == allocation.location.lowercased() && $0.tier == allocation.tier
                    && (regional || $0.family.lowercased() == allocation.family.lowercased())
            }
            let outside = snapshot.usage.filter {
                $0.location.lowercased() == allocation.location.lowercased() && $0.tier == allocation.tier
                    && (regional || $0.family.lowercased() == allocation.family.lowercased())
            }.reduce(0) { $0 + $1.cores }
            let used = sameScope.reduce(0) { $0 + $1.cores } + outside
            if used + allocation.cores > limit {
                let scope = regional ? "cores in \(allocation.location)" : "\(allocation.family) cores"
                let holders = sameScope.isEmpty ? "other workloads" : describe(sameScope)
                return
                    "waiting for quota: needs \(allocation.cores) \(tierWord(allocation.tier)) \(scope); \(used) of \(limit) (quota policy '\(policy)') are held by \(holders)"
            }
        }
        return nil
    }

    private static func describe(_ holders: [ComputeAllocation]) -> String {
        let names = holders.map { "\($0.job) (step \($0.step))" }
        return names.isEmpty ? "nobody" : names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", ..." : "")
    }
}
