public import Manifests
public import Policies
public import Workspaces

/// The part of a plan that an incremental plan computes again: the jobs whose manifests a
/// commit's changes reached, spliced into the plan of an earlier commit whose every other
/// input (the other manifests, the workspace, the options) is unchanged.
///
/// Pure, like ``Planner``: the same job actions and diagnostics a whole plan would give, as
/// long as the caller keeps to what makes the splice exact (only jobs changed, none of them
/// serverless, the workspace unchanged since `baseline`).
public enum JobReplan {
    /// `baseline` with the actions of the jobs named `replaced` removed and `jobs` planned
    /// against `current` in their place. `diagnostics` is the whole new list of load
    /// diagnostics; `policyDiagnostics` those of the baseline's policy checks, from which the
    /// ones located in `reloadedFiles` are dropped and the new jobs' checks added.
    public static func plan(
        jobs: [Job], replacing replaced: Set<String>, in baseline: Plan, current: CurrentState, options: PlanOptions,
        facts: ComputeFacts, loadDiagnostics: [Diagnostic], policyDiagnostics: [Diagnostic], reloadedFiles: Set<String>,
        revision: String?
    ) -> Plan {
        let checks = policyDiagnostics.filter { !reloadedFiles.contains($0.location.file) }
            + PolicyCheck.jobDiagnostics(for: jobs, facts: facts, catalog: options.catalog)
        let diagnostics = (loadDiagnostics + checks).sorted {
            ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
        }
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            return Plan(revision: revision, actions: [], diagnostics: diagnostics)
        }
        var context = PlanningContext(
            desired: DesiredState(jobs: jobs), current: current, options: options,
            policies: Planner.effectivePolicies(desired: DesiredState(), current: current, options: options))
        for action in baseline.actions where action.verb == .blocked && action.resource.kind != .job {
            context.decided[action.resource] = action
        }
        let planned = context.planJobs()

        // Jobs are one run of the plan, sorted by name, after quota policies, clusters and
        // environments and before schedules and locks.
        let kept = baseline.actions.filter { $0.resource.kind != .job || !replaced.contains($0.resource.name) }
        let start = kept.firstIndex { ![.quotaPolicy, .compute, .environment].contains($0.resource.kind) } ?? kept.count
        let end = kept[start...].firstIndex { $0.resource.kind != .job } ?? kept.count
        var section: [PlanAction] = []
        section.reserveCapacity(end - start + planned.count)
        var old = kept[start..<end].makeIterator(), new = planned.makeIterator()
        var nextOld = old.next(), nextNew = new.next()
        while let a = nextOld ?? nextNew {
            if let o = nextOld, let n = nextNew {
                if n.resource.name < o.resource.name {
                    section.append(n)
                    nextNew = new.next()
                } else {
                    section.append(o)
                    nextOld = old.next()
                }
            } else {
                section.append(a)
                if nextOld != nil { nextOld = old.next() } else { nextNew = new.next() }
            }
        }
        let actions = Array(kept[..<start]) + section + Array(kept[end...])
        return Plan(revision: revision, actions: actions, diagnostics: diagnostics, unmanaged: baseline.unmanaged)
    }
}
