public import GitSource
public import Manifests
public import Planning
public import Workspaces

/// One reconcile of a desired state against a workspace: observe, plan, and (unless it is a
/// dry run) apply, journalled in the history. Shared by `reconcile`, `plan` and the sync
/// controller, so they all plan and apply the same way.
public struct ReconcilePass: Sendable {
    /// Where the plan is applied.
    public var workspace: any Workspace
    /// Where each apply is recorded.
    public var history: HistoryStore
    /// The opt-ins of the plan.
    public var options: PlanOptions
    /// Held around every apply (the one-writer lease goes here).
    public var gate: any ApplyGate

    /// A pass over `workspace`; every apply holds `gate` and is recorded in `history`.
    public init(workspace: any Workspace, history: HistoryStore, options: PlanOptions, gate: any ApplyGate = UngatedApply()) {
        self.workspace = workspace
        self.history = history
        self.options = options
        self.gate = gate
    }

    /// What one pass saw and did.
    public struct Outcome: Sendable {
        /// The plan of everything that differs between git and the workspace.
        public var plan: Plan
        /// What was applied: `plan`, or the part of it the caller chose (see `choosing`).
        public var applied: Plan
        /// The workspace as observed before planning.
        public var current: CurrentState
        /// The apply's report; nil for a dry run, a plan with errors, or nothing to do.
        public var report: ApplyReport?
    }

    /// Plans `desired` against the workspace without changing anything.
    public func plan(_ desired: DesiredState) async throws -> Outcome {
        try await Self.plan(desired, in: workspace, options: options)
    }

    /// Plans `desired` against `workspace` without changing anything (and without a history).
    public static func plan(_ desired: DesiredState, in workspace: any Workspace, options: PlanOptions) async throws -> Outcome {
        let current = try await workspace.observe()
        let plan = Planner.plan(desired: desired, current: current, options: options)
        return Outcome(plan: plan, applied: plan, current: current, report: nil)
    }

    /// Observes, plans and applies `desired` read from `commit` of the folder `path`, holding the
    /// gate from the observation to the end of the apply so that no other writer acts between.
    ///
    /// `choosing` picks the actions to apply from the full plan (the sync controller applies
    /// only what a new commit changed unless self-healing); by default everything. A plan with
    /// errors is never applied; with `skippingNoChange`, neither is a chosen part that changes
    /// nothing (no history entry then), otherwise it is recorded as a reconcile that did nothing.
    public func apply(
        _ desired: DesiredState, commit: CommitInfo, path: String, trigger: String, reading: (any CommitReader)?,
        skippingNoChange: Bool = false,
        choosing: @escaping @Sendable (Plan, CurrentState) -> Plan = { plan, _ in plan }
    ) async throws -> Outcome {
        let workspace = workspace, history = history, options = options
        return try await gate.whileHeld(by: trigger) {
            let current = try await workspace.observe()
            let plan = Planner.plan(desired: desired, current: current, options: options)
            let chosen = choosing(plan, current)
            guard !plan.hasErrors, chosen.hasChanges || !skippingNoChange else {
                return Outcome(plan: plan, applied: chosen, current: current, report: nil)
            }
            let report = try await Applier(workspace: workspace, history: history, commitReader: reading)
                .apply(chosen, commit: commit, path: path, trigger: trigger)
            return Outcome(plan: plan, applied: chosen, current: current, report: report)
        }
    }
}
