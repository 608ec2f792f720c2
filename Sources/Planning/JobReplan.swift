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
        // environments and before schedules and locks: one pass copies each kept action once.
        var actions: [PlanAction] = []
        actions.reserveCapacity(baseline.actions.count + planned.count)
        var new = planned[...]
        var inJobs = false
        for action in baseline.actions {
            let kind = action.resource.kind
            if kind == .job {
                inJobs = true
                while let next = new.first, next.resource.name < action.resource.name {
                    actions.append(next)
                    new = new.dropFirst()
                }
                if !replaced.contains(action.resource.name) { actions.append(action) }
                continue
            }
            if ![.quotaPolicy, .compute, .environment].contains(kind) || inJobs {
                // The job section ends here (or, with no kept jobs, would have started here).
                actions.append(contentsOf: new)
                new = []
                inJobs = false
            }
            actions.append(action)
        }
        actions.append(contentsOf: new)
        return Plan(revision: revision, actions: actions, diagnostics: diagnostics, unmanaged: baseline.unmanaged)
    }
}
