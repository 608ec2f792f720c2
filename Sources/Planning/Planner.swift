public import Manifests
public import Workspaces
import Policies

/// Plans a reconcile: a pure function of the desired state, the current state and the
/// options. No I/O, no clock, no randomness: the same inputs always give the same plan.
public enum Planner {
    /// The plan that brings `current` to `desired`.
    public static func plan(desired: DesiredState, current: CurrentState, options: PlanOptions = PlanOptions()) -> Plan {
        let revision = desired.commit?.sha
        guard !desired.hasErrors else {
            return Plan(revision: revision, actions: [], diagnostics: desired.diagnostics)
        }
        var context = PlanningContext(desired: desired, current: current, options: options)
        var actions: [PlanAction] = []
        actions += context.planQuotaPolicies()
        actions += context.planClusters()
        actions += context.planEnvironments()
        actions += context.planJobs()
        actions += context.planSchedules()
        // A declared lock is created after the resources in its scope (our-kinds.md): it
        // protects them from the next reconcile on, so it goes last.
        actions += context.planLocks()
        return Plan(revision: revision, actions: actions, diagnostics: desired.diagnostics, unmanaged: context.unmanaged)
    }
}

/// The working state of one planning pass.
struct PlanningContext {
    let desired: DesiredState
    let current: CurrentState
    let options: PlanOptions
    /// Actions decided so far, by resource, so later kinds can see their dependencies' fate.
    var decided: [ResourceID: PlanAction] = [:]
    var unmanaged: [ResourceID] = []

    init(desired: DesiredState, current: CurrentState, options: PlanOptions) {
        self.desired = desired
        self.current = current
        self.options = options
    }

    /// Records and returns the action, blocked if a workspace lock forbids `write`.
    mutating func finish(_ action: PlanAction, write: WriteKind?) -> PlanAction {
        var result = action
        if let write, action.verb != .noop, action.verb != .blocked,
            let violation = LockRules.violation(of: write, on: action.resource, locks: current.locks)
        {
            result = action.blocked(by: BlockReason(rule: violation.rule, message: violation.message, fix: violation.fix))
        }
        decided[result.resource] = result
        return result
    }
}
