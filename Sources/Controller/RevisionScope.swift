public import Manifests
public import Planning

/// The resources a new commit touched: those whose declaration differs between the desired
/// state of the last applied commit and of the new one (added, changed or removed), plus every
/// resource whose action depends on one of them (a job on a changed environment).
///
/// A sync after a new commit applies only these; any other difference between git and the
/// workspace was made outside git and is drift (repaired only with `--self-heal`).
public struct RevisionScope: Sendable {
    /// The touched resources; nil when there is no earlier commit to compare with (everything is in scope).
    public let touched: Set<ResourceID>?

    /// Everything is in scope (the first sync of a workspace).
    public static let everything = RevisionScope(touched: nil)

    /// Nothing is in scope: a drift check, where git did not move, so every difference is drift.
    public static let nothing = RevisionScope(touched: [])

    init(touched: Set<ResourceID>?) { self.touched = touched }

    /// The resources whose declaration differs between `old` and `new`.
    public init(from old: DesiredState?, to new: DesiredState) {
        guard let old else {
            self.init(touched: nil)
            return
        }
        let before = Self.fingerprints(of: old), after = Self.fingerprints(of: new)
        var touched: Set<ResourceID> = []
        for (id, print) in after where before[id] != print { touched.insert(id) }
        for id in before.keys where after[id] == nil { touched.insert(id) }
        self.init(touched: touched)
    }

    /// Whether `resource` is in scope, directly or through what its action depends on.
    public func contains(_ action: PlanAction) -> Bool {
        guard let touched else { return true }
        return touched.contains(action.resource) || action.dependsOn.contains { touched.contains($0) }
    }

    /// Whether an unmanaged resource (in the workspace, not in git) is in scope: git stopped
    /// declaring it in this commit.
    public func contains(unmanaged resource: ResourceID) -> Bool {
        touched?.contains(resource) ?? true
    }

    /// The part of `plan` in scope.
    public func restrict(_ plan: Plan) -> Plan {
        Plan(
            revision: plan.revision, actions: plan.actions.filter { contains($0) }, diagnostics: plan.diagnostics,
            unmanaged: plan.unmanaged.filter { contains(unmanaged: $0) })
    }

    /// What each declared resource is, without where it is written (moving a line is no change).
    private static func fingerprints(of state: DesiredState) -> [ResourceID: String] {
        var result: [ResourceID: String] = [:]
        let here = SourceLocation(file: "", line: 0, column: 0)
        for var cluster in state.clusters {
            cluster.source = here
            // Where each field is written is no part of what the cluster is (and a dictionary
            // would describe itself in no fixed order).
            cluster.fieldSources = nil
            result[ResourceID(.compute, cluster.name)] = String(describing: cluster)
        }
        // Several pinned versions of one environment share its resource: all count.
        for environment in state.environments {
            result[ResourceID(.environment, environment.name), default: ""] += environment.hash.hex + ":" + (environment.version ?? "") + ";"
        }
        for job in state.jobs { result[ResourceID(.job, job.name)] = job.hash.hex }
        for schedule in state.schedules { result[ResourceID(.schedule, schedule.name)] = schedule.hash.hex }
        for var policy in state.quotaPolicies {
            policy.source = here
            result[ResourceID(.quotaPolicy, policy.name)] = String(describing: policy)
        }
        for var lock in state.locks {
            lock.source = nil
            result[ResourceID(.resourceLock, lock.name)] = String(describing: lock)
        }
        return result
    }
}
