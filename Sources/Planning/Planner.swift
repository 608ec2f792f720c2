public import Manifests
public import Workspaces
import Policies

/// Plans a reconcile: a pure function of the desired state, the current state and the
/// options. No I/O, no clock, no randomness: the same inputs always give the same plan.
public enum Planner {
    /// The plan that brings `current` to `desired`.
    public static func plan(desired: DesiredState, current: CurrentState, options: PlanOptions = PlanOptions()) -> Plan {
        let revision = desired.commit?.sha
        let policies = effectivePolicies(desired: desired, current: current, options: options)
        let checks = PolicyCheck.diagnostics(
            for: desired, policies: policies, workspaceLocation: current.location, catalog: options.catalog)
        let diagnostics = (desired.diagnostics + checks).sorted {
            ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
        }
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            return Plan(revision: revision, actions: [], diagnostics: diagnostics)
        }
        var context = PlanningContext(desired: desired, current: current, options: options, policies: policies)
        var actions: [PlanAction] = []
        actions.reserveCapacity(desired.quotaPolicies.count + desired.clusters.count + desired.environments.count
            + desired.jobs.count + desired.schedules.count + desired.locks.count)
        actions += context.planQuotaPolicies()
        actions += context.planClusters()
        actions += context.planEnvironments()
        actions += context.planJobs()
        actions += context.planSchedules()
        // A declared lock is created after the resources in its scope (our-kinds.md): it
        // protects them from the next reconcile on, so it goes last.
        actions += context.planLocks()
        return Plan(revision: revision, actions: actions, diagnostics: diagnostics, unmanaged: context.unmanaged)
    }

    /// The quota policies a plan is judged against: the declared ones, and those the workspace
    /// keeps that git no longer declares (until `--prune` deletes them).
    static func effectivePolicies(desired: DesiredState, current: CurrentState, options: PlanOptions) -> [QuotaPolicy] {
        let declared = Set(desired.quotaPolicies.map(\.name))
        let kept = options.prune ? [] : current.quotaPolicies.filter { !declared.contains($0.name) }
        return desired.quotaPolicies + kept
    }
}

/// The working state of one planning pass.
struct PlanningContext {
    let desired: DesiredState
    let current: CurrentState
    let options: PlanOptions
    /// Blocked actions decided so far, by resource, so later kinds can see that a dependency is
    /// blocked (the only fate they look at; keeping every action here held a copy of each).
    var decided: [ResourceID: PlanAction] = [:]
    /// The latest submission of each logical job name, made on first use.
    var latestSubmissions: [String: ObservedJob]?
    var unmanaged: [ResourceID] = []
    /// Cores held: use outside clusters, then every cluster's worst case as the clusters are planned.
    var ledger: QuotaLedger

    init(desired: DesiredState, current: CurrentState, options: PlanOptions, policies: [QuotaPolicy]) {
        self.desired = desired
        self.current = current
        self.options = options
        ledger = QuotaLedger(policies: policies, catalog: options.catalog, defaultLocation: current.location)
        for usage in current.quotaUsage {
            ledger.holdUsage(location: usage.location, family: usage.family, tier: usage.tier, cores: usage.cores)
        }
    }

    /// Records and returns the action, blocked if a workspace lock forbids `write`.
    mutating func finish(_ action: PlanAction, write: WriteKind?) -> PlanAction {
        var result = action
        if let write, action.verb != .noop, action.verb != .blocked,
            let violation = LockRules.violation(of: write, on: action.resource, locks: current.locks)
        {
            result = action.blocked(by: BlockReason(rule: violation.rule, message: violation.message, fix: violation.fix, code: violation.code))
        }
        if result.verb == .blocked { decided[result.resource] = result }
        return result
    }
}
