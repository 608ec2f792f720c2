import Foundation
import ArgumentParser
import EmbeddedWorkspace
import GitSource
import Manifests
import Planning
import Reconciliation
import Rendering
import Workspaces

extension MLGitOps {
    /// `mlgitops reconcile`: plans the repository against the workspace and applies the plan.
    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconcile",
            abstract: "Plan the desired state against the workspace and apply it (--dry-run: plan only).")

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var state: StateOptions
        @OptionGroup var target: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var flags: PlanFlags

        @Flag(name: .long, help: "Plan only: change nothing.")
        var dryRun = false

        @Flag(name: .long, help: "With --dry-run: load and plan every manifest, not only those the changes since the last plan reach.")
        var full = false

        @Flag(name: .long, help: "After applying, run the submitted jobs and queued builds on this machine and wait for them, showing progress.")
        var wait = false

        @Option(name: .long, help: "How long to wait, in seconds, for another process's apply on this state to end (default 0: exit 1 naming it).")
        var leaseWait: Double = 0

        func run() async throws {
            try await ReconcileRun(
                repository: repository, state: state, target: target, output: output, flags: flags, dryRun: dryRun, wait: wait,
                leaseWait: leaseWait, full: full
            ).run()
        }
    }

    /// `mlgitops plan`: the same as `reconcile --dry-run`; with `--base`, a pull request's plan.
    struct PlanCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan", abstract: "Show what a reconcile would do (the same as reconcile --dry-run).",
            discussion: """
                With --base REF (and --head REF), plans a pull request: both revisions against the \
                workspace, showing what the head changes relative to the base (--format markdown \
                makes a pull-request comment). Exit codes then: 0 no changes, 2 changes, 3 changes \
                with blocked actions, 1 errors (docs/pull-requests.md).
                """)

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var state: StateOptions
        @OptionGroup var target: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var flags: PlanFlags
        @OptionGroup var review: ReviewOptions

        @Flag(name: .long, help: "Load and plan every manifest, not only those the changes since the last plan reach.")
        var full = false

        func run() async throws {
            if review.base != nil, target.isAzure {
                throw ValidationError("--base plans against the local workspace only (yet); drop --workspace/--workspace-config")
            }
            if review.base != nil {  // Pull-request plan (issue 5): PlanReview.swift.
                return try await PlanReview(repository: repository, state: state, output: output, flags: flags, review: review).run()
            }
            if review.head != nil || review.format != nil {
                throw ValidationError("--head and --format go with --base (a pull-request plan)")
            }
            try await ReconcileRun(
                repository: repository, state: state, target: target, output: output, flags: flags, dryRun: true, full: full
            ).run()
        }
    }
}

/// One reconcile, shared by `reconcile` and `plan`.
struct ReconcileRun {
    var repository: RepositoryOptions
    var state: StateOptions
    var target: WorkspaceOptions
    var output: OutputOptions
    var flags: PlanFlags
    var dryRun: Bool
    var wait: Bool = false
    /// Seconds to wait for the apply lease (issue 5).
    var leaseWait: Double = 0
    /// A dry run that plans everything instead of starting from the last plan's baseline.
    var full = false

    func run() async throws {
        let reader = DesiredStateReader(repository: repository, stateDirectory: state.state)
        let style = TerminalStyle.standardOutput
        let pathLabel = repository.path
        // A dry run on the local workspace starts from the last plan when it can (docs/planning.md).
        let baselined = dryRun && !target.isAzure
        // Opened once, and only after the repository: bad input leaves no state directory behind.
        var opened: (any Workspace)?
        var openedRepository: GitRepository?
        if baselined, !full {
            let git = try await reader.open()
            openedRepository = git
            let workspace = try target.open(state: state)
            opened = workspace
            let incremental = IncrementalPlan(
                repository: git, workspace: workspace, stateDirectory: state.state, path: reader.manifestsPath,
                options: flags.planOptions)
            switch try await incremental.plan(revision: repository.ref) {
            case .planned(let plan, _, _):
                ProcessLifetime.keepUntilExit(plan)
                return try show(plan, workspace: workspace, style: style, pathLabel: pathLabel)
            case .declined(let reason):
                if output.output == .text { FileHandle.standardError.write(Data("planning every manifest: \(reason)\n".utf8)) }
            case .noBaseline:
                break
            }
        }
        let (git, snapshot) = try await reader.snapshot(in: openedRepository)
        let workspace = try opened ?? target.open(state: state)
        if wait, !(workspace is LocalWorkspace) { throw ValidationError("--wait runs jobs on this machine: only with the local workspace") }

        if dryRun {
            // The workspace is observed while the manifests load: the two are independent, and
            // the observation (SQLite) fills the core the load leaves idle in its serial parts.
            async let observation = DryRunObservation.take(of: workspace, withRevision: baselined)
            let reading = reader.load(snapshot, from: git, recording: baselined)
            // What the load read goes into the next baseline while the plan is made.
            let draft = reading.desired.hasErrors ? nil : reading.record.flatMap { try? PlanBaseline.Draft.start(record: $0, stateDirectory: state.state) }
            let (revisionBefore, current) = try await observation
            let plan = Planner.plan(desired: reading.desired, current: current, options: flags.planOptions)
            // The baseline is finished while the plan is printed (9,000 lines on a first plan).
            var saving: Task<Void, Never>?
            if baselined {
                let revisionAfter = try await workspace.observedRevision()
                if let draft, !plan.hasErrors, let revision = revisionBefore, revision == revisionAfter {
                    let key = PlanBaseline.Key(
                        commit: reading.commit.sha, path: reader.manifestsPath, options: flags.planOptions, workspaceRevision: revision)
                    let desired = reading.desired
                    // A cache: a plan that cannot save it is still a plan.
                    saving = Task { try? await draft.finish(plan, desired: desired, key: key) }
                } else if let draft {
                    await draft.discard()
                } else {
                    PlanBaseline.remove(stateDirectory: state.state)
                }
            }
            ProcessLifetime.keepUntilExit(snapshot, reading.desired, reading.record, current, plan)
            do {
                try show(plan, workspace: workspace, style: style, pathLabel: pathLabel)
            } catch {
                await saving?.value
                throw error
            }
            await saving?.value
            return
        }
        let reading = reader.load(snapshot, from: git, recording: false)
        let (desired, commit) = (reading.desired, reading.commit)
        guard !desired.hasErrors else {
            let plan = try await ReconcilePass.plan(desired, in: workspace, options: flags.planOptions).plan
            return try show(plan, workspace: workspace, style: style, pathLabel: pathLabel)
        }
        let pass = ReconcilePass(
            workspace: workspace, history: try HistoryStore(stateDirectory: state.state), options: flags.planOptions,
            gate: LeasedApply(stateDirectory: state.state, wait: leaseWait))
        let outcome = try await pass.apply(
            desired, commit: commit, path: pathLabel, trigger: "cli",
            reading: GitCommitReader(repository: reading.repository, revision: commit.sha))
        let plan = outcome.plan
        guard let report = outcome.report else { throw ExitCode(1) }
        switch output.output {
        case .json:
            print(MachineOutput.plan(plan, report: report))
        case .text:
            print(PlanText(style: style, showUnchanged: flags.showUnchanged).render(plan, workspace: workspace.displayName, path: pathLabel))
            if plan.hasChanges {
                print("")
                print(ApplyText(style: style).render(report))
            }
        }
        if report.status == .failed { throw ExitCode(1) }
        if wait {
            guard let workspace = workspace as? LocalWorkspace else { return }
            let submitted = Set(plan.actions.compactMap { action -> String? in
                if case .submitJob(let job)? = action.operation { return job.submissionName }
                return nil
            })
            if output.output == .text { print("") }
            try await RunnerSession(
                workspace: workspace, stop: .whenEnded(submitted), watched: submitted,
                progressToStandardError: output.output == .json
            ).run()
            var unfinished: [String] = []
            for name in submitted.sorted() {
                if let run = try await workspace.jobRun(named: name), run.state != .completed {
                    unfinished.append("\(name) \(run.state.rawValue)" + (run.reason.map { ": \($0)" } ?? ""))
                }
            }
            if !unfinished.isEmpty {
                FileHandle.standardError.write(Data(("jobs that did not complete:\n" + unfinished.map { "  \($0)\n" }.joined()).utf8))
                throw ExitCode(1)
            }
        }
        if flags.detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }

    /// Prints a plan that is not applied, and exits as its flags say.
    private func show(_ plan: Plan, workspace: any Workspace, style: TerminalStyle, pathLabel: String) throws {
        switch output.output {
        case .json: print(MachineOutput.plan(plan))
        case .text:
            print(PlanText(style: style, showUnchanged: flags.showUnchanged && !plan.hasErrors)
                .render(plan, workspace: workspace.displayName, path: pathLabel))
        }
        if plan.hasErrors { throw ExitCode(1) }
        if flags.detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }
}

/// What a dry run observes of the workspace before planning.
private enum DryRunObservation {
    /// The workspace's revision counter (when the plan is to be kept as a baseline: it must
    /// not move until the plan is saved) and everything in it.
    static func take(of workspace: any Workspace, withRevision: Bool) async throws -> (revision: String?, current: CurrentState) {
        let revision = withRevision ? try await workspace.observedRevision() : nil
        return (revision, try await workspace.observe())
    }
}
