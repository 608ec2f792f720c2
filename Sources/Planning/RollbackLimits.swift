public import Manifests
public import Workspaces

/// Something a rollback cannot undo, and why: the create-only rules of the platform.
public struct RollbackLimit: Sendable, Hashable, Codable {
    /// `compute/cpu-cluster`, `environment/train-env`, `job/...`.
    public var resource: String
    /// `create-only`, `immutable-version`, `never-unsubmitted`, `not-pruned`.
    public var rule: String
    public var message: String

    public init(resource: String, rule: String, message: String) {
        self.resource = resource
        self.rule = rule
        self.message = message
    }
}

/// What planning the workspace back to an older revision leaves as it is. A rollback is a
/// normal plan of that revision's manifests; this names, resource by resource, what that plan
/// cannot take back so nobody expects it to.
public enum RollbackLimits {
    /// The limits of `plan`, made from `desired` (the older revision) against `current`.
    public static func of(plan: Plan, desired: DesiredState, current: CurrentState, options: PlanOptions) -> [RollbackLimit] {
        var limits: [RollbackLimit] = []
        for action in plan.actions where action.verb == .blocked {
            guard let reason = action.blockedBy else { continue }
            switch reason.rule {
            case "create-only":
                let changed = action.changes.map { "\($0.field) stays \($0.from ?? "unset")" }.joined(separator: ", ")
                limits.append(RollbackLimit(
                    resource: action.resource.description, rule: "create-only",
                    message: "not reverted, clusters are create-only" + (changed.isEmpty ? "" : ": \(changed)")
                        + (reason.fix.map { " (to change it anyway: \($0))" } ?? "")))
            case "immutable-version":
                limits.append(RollbackLimit(
                    resource: action.resource.description, rule: "immutable-version",
                    message: "not reverted: \(reason.message)"))
            default:
                limits.append(RollbackLimit(resource: action.resource.description, rule: reason.rule, message: "blocked: \(reason.message)"))
            }
        }
        // Environment versions registered since stay: versions are immutable and never deleted.
        for environment in desired.environments.sorted(by: { $0.name < $1.name }) {
            let others = current.environments.filter { $0.name == environment.name && $0.hash != environment.hash }
            guard !others.isEmpty else { continue }
            let versions = others.map(\.version).sorted { PlanningContext.versionPrecedes($0, $1) }
            limits.append(RollbackLimit(
                resource: "environment/\(environment.name)", rule: "immutable-version",
                message: "version(s) \(versions.joined(separator: ", ")) of other definitions stay registered (versions are never deleted); "
                    + "jobs that name a version pin it, and `@latest` resolves to the newest"))
        }
        let declaredEnvironments = Set(desired.environments.map(\.name))
        for name in Set(current.environments.map(\.name)).subtracting(declaredEnvironments).sorted() {
            limits.append(RollbackLimit(
                resource: "environment/\(name)", rule: "immutable-version",
                message: "not declared at that revision, but its versions stay registered (environment versions are never pruned)"))
        }
        // Jobs are never un-submitted: what ran since stays in the workspace's history.
        let declared = Set(desired.jobs.map(\.submissionName))
        let since = current.jobs.filter { !declared.contains($0.name) }.sorted { $0.name < $1.name }
        for job in since {
            limits.append(RollbackLimit(
                resource: "job/\(job.logicalName)", rule: "never-unsubmitted",
                message: "submission \(job.name) (\(job.state)) stays: jobs are never un-submitted"
                    + (job.isActive ? "; cancel it with `mlgitops jobs cancel \(job.name)` if it must not finish" : "")))
        }
        if !options.prune {
            for id in plan.unmanaged where id.kind != .job {
                limits.append(RollbackLimit(
                    resource: id.description, rule: "not-pruned",
                    message: "not declared at that revision but kept: pass --prune to delete it"))
            }
        }
        return limits
    }
}
