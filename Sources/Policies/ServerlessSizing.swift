public import Manifests

/// The size a serverless task runs on, and how it fits the quota.
public struct ServerlessChoice: Sendable, Hashable {
    /// The size its nodes have.
    public var size: VMSize
    /// Whether the quota policies chose it (no `resources.instance_type`).
    public var chosenByQuota: Bool
    /// Why it waits in the queue, when the limits admit it but the cores are held now.
    public var queues: String?
}

/// Chooses serverless sizes: the one `resources.instance_type` names, else the cheapest CPU
/// size (fewest vCPUs, then least memory, then name) whose family has room for the nodes now;
/// else the cheapest the limits admit at all (the job queues); else none (docs/quota-policies.md).
public enum ServerlessSizing {
    /// The choice for `demand` in `location`, or why nothing fits. Sizes the catalogue does not
    /// know are refused by ``PolicyCheck`` before a plan, so they are not judged here.
    public static func choose(
        _ demand: ServerlessDemand, location: String, ledger: QuotaLedger, catalog: VMSizeCatalog
    ) -> Result<ServerlessChoice, QuotaShortfallError> {
        if let name = demand.instanceType {
            guard let size = catalog.size(named: name) else {
                return .failure(QuotaShortfallError(shortfall: QuotaShortfall(
                    policy: "", message: "`\(name)` is not a known VM size", largestFit: 0,
                    fix: "use one of \(catalog.nearest(to: name, usableFor: .serverless).joined(separator: ", "))")))
            }
            switch ledger.serverlessFit(size: size, nodes: demand.nodes, tier: demand.tier, location: location) {
            case .fits: return .success(ServerlessChoice(size: size, chosenByQuota: false, queues: nil))
            case .queues(let why): return .success(ServerlessChoice(size: size, chosenByQuota: false, queues: why))
            case .never(let shortfall): return .failure(QuotaShortfallError(shortfall: shortfall))
            }
        }
        let candidates = catalog.sizes.values
            .filter { $0.gpus == 0 && $0.clusters && $0.retired == nil && $0.vCPUs > 0 }
            .sorted { ($0.vCPUs, $0.memoryGB, $0.name) < ($1.vCPUs, $1.memoryGB, $1.name) }
        var queued: ServerlessChoice?
        for size in candidates {
            switch ledger.serverlessFit(size: size, nodes: demand.nodes, tier: demand.tier, location: location) {
            case .fits: return .success(ServerlessChoice(size: size, chosenByQuota: true, queues: nil))
            case .queues(let why): if queued == nil { queued = ServerlessChoice(size: size, chosenByQuota: true, queues: why) }
            case .never: continue
            }
        }
        if let queued { return .success(queued) }
        let tier = demand.tier == .dedicated ? "dedicated" : "low-priority"
        return .failure(QuotaShortfallError(shortfall: QuotaShortfall(
            policy: "",
            message: "no CPU size has \(tier) quota for \(demand.nodes) node(s) in \(location.lowercased()): "
                + "every family's limit (or the regional total) is below \(demand.nodes) x the size's vCPUs",
            largestFit: 0,
            fix: "lower resources.instance_count, name a size with quota in resources.instance_type, "
                + (demand.tier == .lowPriority ? "drop queue_settings.job_tier: spot, " : "") + "or raise the quota",
            code: "JobNodeCountExceedsCoreQuota")))
    }
}

/// A ``QuotaShortfall`` as an error, for `Result`.
public struct QuotaShortfallError: Error, Sendable, Hashable {
    /// Why nothing fits, and what would.
    public var shortfall: QuotaShortfall
}
