public import Manifests

/// The rules that make a desired state invalid before any plan (docs/quota-policies.md):
/// sizes the platform would refuse, the per-cluster node cap, and workspace quota above the
/// subscription's. Each diagnostic names its rule, the numbers and what would work.
public enum PolicyCheck {
    /// The per-cluster node cap without an allowance.
    public static let defaultNodeCap = 100

    /// Diagnostics for `desired` under `policies` (the declared ones and those the workspace
    /// keeps). `workspaceLocation` is where clusters without `location:` are; nil when unknown
    /// (`validate`), and then every policy's cap counts for them.
    public static func diagnostics(
        for desired: DesiredState, policies: [QuotaPolicy], workspaceLocation: String?, catalog: VMSizeCatalog
    ) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for cluster in desired.clusters {
            if let problem = catalog.problem(with: cluster.spec.size, for: .cluster) {
                found.append(Diagnostic(
                    .error, at: cluster.location(of: "size"), field: "size",
                    message: "compute/\(cluster.name): \(problem.message)", fix: problem.fix, rule: problem.rule))
            }
            found += nodeCap(cluster, policies: policies, workspaceLocation: workspaceLocation)
        }
        var jobs = desired.jobs
        for schedule in desired.schedules {
            if let job = schedule.job, !jobs.contains(where: { $0.source == job.source }) { jobs.append(job) }
        }
        found += jobDiagnostics(for: jobs, facts: ComputeFacts(desired), catalog: catalog)
        found += scopeConflicts(policies.filter { policy in desired.quotaPolicies.contains { $0.name == policy.name } }, all: policies)
        return found
    }

    /// The diagnostics of `jobs` alone: sizes the platform would refuse for their serverless
    /// tasks and CUDA versions older than their GPUs need (`facts` says what the repository's
    /// clusters and environments are). Each is located in the job's file.
    public static func jobDiagnostics(for jobs: [Job], facts: ComputeFacts, catalog: VMSizeCatalog) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for job in jobs {
            found += cudaWarnings(job, facts: facts, catalog: catalog)
            for demand in job.serverlessDemands {
                guard let name = demand.instanceType, let problem = catalog.problem(with: name, for: .serverless) else { continue }
                found.append(Diagnostic(
                    .error, at: job.source, field: demand.field,
                    message: "job/\(job.name): \(problem.message)", fix: problem.fix, rule: problem.rule))
            }
        }
        return found
    }

    /// `max_instances` above the cap of the cluster's location: 100, unless a policy there
    /// declares `max_nodes_per_cluster` (the allowance; the largest one counts).
    static func nodeCap(_ cluster: ComputeCluster, policies: [QuotaPolicy], workspaceLocation: String?) -> [Diagnostic] {
        let location = (cluster.spec.location ?? workspaceLocation)?.lowercased()
        let applying = policies.filter { location == nil || $0.location.lowercased() == location }
        let allowance = applying.max { $0.maxNodesPerCluster < $1.maxNodesPerCluster }
        let cap = allowance?.maxNodesPerCluster ?? defaultNodeCap
        guard cluster.spec.maxInstances > cap else { return [] }
        let message: String
        let fix: String
        if let allowance {
            message = "compute/\(cluster.name): max_instances \(cluster.spec.maxInstances) is above the per-cluster node cap of \(cap) "
                + "(max_nodes_per_cluster of quota policy '\(allowance.name)' for \(allowance.location))"
            fix = "set max_instances to \(cap) or less, or raise max_nodes_per_cluster in '\(allowance.name)' if the platform granted the allowance"
        } else {
            message = "compute/\(cluster.name): max_instances \(cluster.spec.maxInstances) is above the per-cluster node cap of \(cap); "
                + "more needs the platform's allowance (and disables inter-node communication)"
            fix = "set max_instances to \(cap) or less, or declare the allowance as `max_nodes_per_cluster: \(cluster.spec.maxInstances)` "
                + "in a quota policy for \(location ?? "the cluster's location")"
        }
        return [Diagnostic(.error, at: cluster.location(of: "max_instances"), field: "max_instances", message: message, fix: fix, rule: "node-cap")]
    }

    /// A workspace's quota can never exceed the subscription's: the platform refuses such a
    /// workspace limit (`InvalidQuotaExceedsSubscriptionLimit`).
    static func scopeConflicts(_ declared: [QuotaPolicy], all: [QuotaPolicy]) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for workspace in declared.sorted(by: { $0.name < $1.name }) where workspace.scope == .workspace {
            for subscription in all.sorted(by: { $0.name < $1.name })
            where subscription.scope == .subscription && subscription.location.lowercased() == workspace.location.lowercased() {
                var pairs: [(field: String, what: String, mine: Int?, theirs: Int?)] = [
                    ("limits.total_dedicated_cores", "dedicated cores in total", workspace.totalDedicatedCores, subscription.totalDedicatedCores),
                    ("limits.total_low_priority_cores", "low-priority cores in total", workspace.totalLowPriorityCores,
                     subscription.totalLowPriorityCores),
                ]
                for (index, entry) in workspace.families.enumerated() {
                    let other = subscription.families.first { $0.family.lowercased() == entry.family.lowercased() }
                    pairs.append(("limits.families[\(index)].dedicated_cores", "dedicated cores of \(entry.family)", entry.dedicatedCores,
                                  other?.dedicatedCores ?? subscription.defaultFamilyCores))
                    pairs.append(("limits.families[\(index)].low_priority_cores", "low-priority cores of \(entry.family)", entry.lowPriorityCores,
                                  other?.lowPriorityCores ?? subscription.defaultFamilyCores))
                }
                for pair in pairs {
                    guard let mine = pair.mine, let theirs = pair.theirs, mine > theirs else { continue }
                    found.append(Diagnostic(
                        .error, at: workspace.source, field: pair.field,
                        message: "quota_policy/\(workspace.name): the workspace gets \(mine) \(pair.what) in \(workspace.location), "
                            + "above the subscription's \(theirs) (quota policy '\(subscription.name)'); the platform refuses that "
                            + "(InvalidQuotaExceedsSubscriptionLimit)",
                        fix: "lower it to \(theirs) or less, or raise the subscription's quota first", rule: "quota-scope"))
                }
            }
        }
        return found
    }

    /// A GPU size needs a minimum CUDA version per architecture (Ampere 11.0, Turing 10.0, the
    /// older ones 9.0): an environment whose image names an older CUDA is a warning.
    static func cudaWarnings(_ job: Job, facts: ComputeFacts, catalog: VMSizeCatalog) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for task in tasks(of: job) {
            let sizeName: String?
            switch task.compute {
            case .cluster(let name): sizeName = facts.clusterSizes[name]
            case .serverless, .unspecified: sizeName = task.instanceType
            case .local: sizeName = nil
            }
            guard let sizeName, let size = catalog.size(named: sizeName), let architecture = size.gpuArchitecture,
                let minimum = catalog.cudaMinimum(for: size), let wanted = cudaVersion(minimum)
            else { continue }
            let image: String?
            let environment: String
            switch task.environment {
            case .named(let name, let version):
                image = facts.image(of: name, version: version)
                environment = "environment '\(name)'"
            case .inline(let inline):
                image = inline.definition.image
                environment = "its inline environment"
            case .external:
                continue
            }
            guard let image, let used = cudaVersion(inImage: image), used < wanted else { continue }
            found.append(Diagnostic(
                .warning, at: job.source, field: (task.step.map { "jobs.\($0)." } ?? "") + "environment",
                message: "job/\(job.name)\(task.step.map { " step \($0)" } ?? ""): runs on \(size.name) (\(architecture), CUDA \(minimum) or newer) "
                    + "but \(environment) uses CUDA \(used.0).\(used.1) (image \(image))",
                fix: "use an image with CUDA \(minimum) or newer, or a size whose GPUs this CUDA supports", rule: "cuda"))
        }
        return found
    }

    private struct Task {
        var step: String?
        var compute: ComputeTarget
        var instanceType: String?
        var environment: EnvironmentReference
    }

    private static func tasks(of job: Job) -> [Task] {
        switch job.spec {
        case .command(let task):
            return [Task(step: nil, compute: task.compute, instanceType: task.instanceType, environment: task.environment)]
        case .pipeline(let pipeline):
            return pipeline.steps.compactMap { step in
                switch step.body {
                case .command(let task):
                    return Task(step: step.name, compute: task.compute == .unspecified ? pipeline.defaultCompute : task.compute,
                                instanceType: task.instanceType, environment: task.environment)
                case .parallel(let task):
                    return Task(step: step.name, compute: task.compute == .unspecified ? pipeline.defaultCompute : task.compute,
                                instanceType: task.instanceType, environment: task.environment)
                case .other:
                    return nil
                }
            }
        }
    }

    /// `11.0` as (11, 0).
    static func cudaVersion(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ".").compactMap { Int($0) }
        return parts.isEmpty ? nil : (parts[0], parts.count > 1 ? parts[1] : 0)
    }

    /// The CUDA version an image names (`...-cuda10.1-cudnn7-...`, `cuda:11.8.0-...`).
    static func cudaVersion(inImage image: String) -> (Int, Int)? {
        let lower = image.lowercased()
        var search = lower[...]
        while let range = search.range(of: "cuda") {
            var rest = search[range.upperBound...]
            if rest.first == ":" || rest.first == "-" || rest.first == "_" { rest = rest.dropFirst() }
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            if let version = cudaVersion(String(digits)), digits.first?.isNumber == true { return version }
            search = search[range.upperBound...]
        }
        return nil
    }
}
