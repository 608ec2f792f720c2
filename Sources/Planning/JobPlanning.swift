import Manifests
import Policies
import Workspaces

extension PlanningContext {
    /// Jobs are submitted once per distinct definition, under a name derived from its hash.
    mutating func planJobs() -> [PlanAction] {
        let submitted = Set(current.jobs.map(\.name))
        return desired.jobs.sorted(by: { $0.name < $1.name }).map { job in
            let id = ResourceID(.job, job.name)
            let dependencies = dependencyIDs(environments: job.environmentDependencies, clusters: job.clusterDependencies)
            if submitted.contains(job.submissionName) {
                return finish(
                    PlanAction(resource: id, verb: .noop, hash: job.hash.hex, detail: job.submissionName, dependsOn: dependencies, source: job.source),
                    write: nil)
            }
            var action = PlanAction(
                resource: id, verb: .submit, operation: .submitJob(job),
                changes: [FieldChange(field: "definition", from: latestSubmission(of: job.name)?.hash.short, to: job.hash.short)],
                hash: job.hash.hex, detail: "as \(job.submissionName)", dependsOn: dependencies, source: job.source)
            let (placements, shortfall) = placeServerless(job)
            if !placements.isEmpty {
                action.serverless = placements
                action.detail = "as \(job.submissionName); serverless " + placements.map(\.summary).joined(separator: ", ")
            }
            if let reason = blockedDependency(dependencies) {
                action = action.blocked(by: reason)
            } else if let shortfall {
                action = action.blocked(by: shortfall)
            }
            return finish(action, write: .submit)
        }
    }

    /// Where the job's serverless tasks run (docs/quota-policies.md), and why the first that
    /// can never fit does not. Serverless cores are not held in the ledger: a job holds them
    /// only while it runs, and one that finds them held waits in the queue.
    private func placeServerless(_ job: Job) -> ([ServerlessPlacement], BlockReason?) {
        var placements: [ServerlessPlacement] = []
        var reason: BlockReason?
        for demand in job.serverlessDemands {
            switch ServerlessSizing.choose(demand, location: current.location, ledger: ledger, catalog: options.catalog) {
            case .success(let choice):
                placements.append(ServerlessPlacement(
                    step: demand.step, size: choice.size.name, family: choice.size.family, nodes: demand.nodes, tier: demand.tier,
                    cores: demand.nodes * choice.size.vCPUs, chosenBy: choice.chosenByQuota ? "quota" : "instance_type",
                    queues: choice.queues))
            case .failure(let error):
                if reason == nil {
                    let shortfall = error.shortfall
                    reason = BlockReason(
                        rule: "quota", message: (demand.step.map { "step \($0): " } ?? "") + shortfall.message, fix: shortfall.fix,
                        code: shortfall.code)
                }
            }
        }
        return (placements, reason)
    }

    /// Schedules are created or updated when their trigger or job definition changed.
    mutating func planSchedules() -> [PlanAction] {
        var actions: [PlanAction] = []
        let existing = Dictionary(current.schedules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for schedule in desired.schedules.sorted(by: { $0.name < $1.name }) {
            let id = ResourceID(.schedule, schedule.name)
            let dependencies = dependencyIDs(
                environments: schedule.job?.environmentDependencies ?? [], clusters: schedule.job?.clusterDependencies ?? [])
            var action: PlanAction
            if let old = existing[schedule.name] {
                action = old.hash == schedule.hash
                    ? PlanAction(resource: id, verb: .noop, hash: schedule.hash.hex, dependsOn: dependencies, source: schedule.source)
                    : PlanAction(
                        resource: id, verb: .update, operation: .putSchedule(schedule),
                        changes: [FieldChange(field: "definition", from: old.hash.short, to: schedule.hash.short)],
                        hash: schedule.hash.hex, dependsOn: dependencies, source: schedule.source)
            } else {
                action = PlanAction(
                    resource: id, verb: .create, operation: .putSchedule(schedule), hash: schedule.hash.hex,
                    dependsOn: dependencies, source: schedule.source)
            }
            // The jobs it creates run serverless like any job: show where, and refuse a schedule
            // whose every run the platform would refuse.
            var shortfall: BlockReason?
            if action.verb != .noop, let job = schedule.job {
                let (placements, reason) = placeServerless(job)
                if !placements.isEmpty {
                    action.serverless = placements
                    action.detail = "serverless " + placements.map(\.summary).joined(separator: ", ")
                }
                shortfall = reason
            }
            if action.verb != .noop, let reason = blockedDependency(dependencies) ?? shortfall { action = action.blocked(by: reason) }
            actions.append(finish(action, write: action.verb == .create ? .create : .update))
        }
        let declared = Set(desired.schedules.map(\.name))
        for old in current.schedules.sorted(by: { $0.name < $1.name }) where !declared.contains(old.name) {
            let id = ResourceID(.schedule, old.name)
            if options.prune {
                actions.append(finish(PlanAction(resource: id, verb: .delete, operation: .deleteSchedule(name: old.name)), write: .delete))
            } else {
                unmanaged.append(id)
            }
        }
        return actions
    }

    private func dependencyIDs(environments: [String], clusters: [String]) -> [ResourceID] {
        (clusters.map { ResourceID(.compute, $0) } + environments.map { ResourceID(.environment, $0) }).sorted()
    }

    /// The latest submission of `logicalName` (the first of equal dates in the workspace's order).
    /// Indexed once: a scan of every job per submitted job was quadratic in a first plan.
    private mutating func latestSubmission(of logicalName: String) -> ObservedJob? {
        if latestSubmissions == nil {
            var latest: [String: ObservedJob] = [:]
            for job in current.jobs {
                if let found = latest[job.logicalName], !((found.submittedAt ?? .distantPast) < (job.submittedAt ?? .distantPast)) {
                    continue
                }
                latest[job.logicalName] = job
            }
            latestSubmissions = latest
        }
        return latestSubmissions?[logicalName]
    }

    /// A dependency whose own action is blocked and that does not exist in the usable form
    /// the job needs: a cluster that is not there, or an environment whose new definition
    /// cannot be built.
    private func blockedDependency(_ dependencies: [ResourceID]) -> BlockReason? {
        for dependency in dependencies {
            guard let action = decided[dependency], action.verb == .blocked else { continue }
            let exists: Bool
            switch dependency.kind {
            case .compute: exists = current.clusters.contains { $0.name == dependency.name }
            default: exists = false
            }
            if !exists {
                return BlockReason(
                    rule: "dependency",
                    message: "needs \(dependency), whose action is blocked (\(action.blockedBy?.rule ?? "blocked"))",
                    fix: "resolve the block on \(dependency) first")
            }
        }
        return nil
    }
}
