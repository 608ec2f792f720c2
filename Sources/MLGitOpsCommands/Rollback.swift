import ArgumentParser
import EmbeddedWorkspace
import Foundation
import Planning
import Reconciliation
import Rendering
import Workspaces

extension MLGitOps {
    /// `mlgitops rollback REV`: plans the workspace back to an older revision's manifests.
    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollback",
            abstract: "Plan the workspace back to an older revision (dry-run unless --apply).",
            discussion: """
                REV is a reconcile number from `mlgitops history` (its revision and manifests \
                folder are used) or a git revision. The rollback is a normal plan of that \
                revision's manifests against the workspace; it lists what the create-only rules \
                leave as it is: clusters are not reverted, environment versions stay registered, \
                jobs are never un-submitted. For a lasting rollback, revert the commit in git: \
                the next reconcile or sync would otherwise apply the branch's head again.
                """)

        @Argument(help: "A reconcile number (e.g. 12 or #12) or a git revision.")
        var revision: String

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var state: StateOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var flags: PlanFlags

        @Flag(name: .long, help: "Apply the plan (recorded in the history with trigger `rollback`).")
        var apply = false

        @Option(name: .long, help: "With --apply: how long to wait, in seconds, for another process's apply to end.")
        var leaseWait: Double = 0

        func run() async throws {
            guard FileManager.default.fileExists(atPath: state.state) else { throw CommandError.noState(path: state.state) }
            let history = try HistoryStore(stateDirectory: state.state)
            var source = repository
            var from = "revision \(revision)"
            let number = revision.hasPrefix("#") ? Int64(revision.dropFirst()) : Int64(revision)
            if let number, revision.count < 7 || revision.hasPrefix("#") {
                guard let record = try history.record(number) else {
                    throw ValidationError("no reconcile #\(number) in the history (see `mlgitops history`)")
                }
                source.ref = record.revision
                source.path = record.path
                from = "reconcile #\(number) (\(record.revision.prefix(12)), \(record.summary))"
            } else {
                source.ref = revision
            }
            let reading = try await DesiredStateReader(repository: source, stateDirectory: state.state).readWithRepository()
            let workspace = try LocalWorkspace(stateDirectory: state.state)
            let options = flags.planOptions
            // The same pass as reconcile: with --apply, observe, plan and apply under the lease.
            let pass = ReconcilePass(
                workspace: workspace, history: history, options: options,
                gate: LeasedApply(stateDirectory: state.state, wait: leaseWait))
            let outcome =
                apply
                ? try await pass.apply(
                    reading.desired, commit: reading.commit, path: source.path, trigger: "rollback",
                    reading: GitCommitReader(repository: reading.repository, revision: reading.commit.sha))
                : try await pass.plan(reading.desired)
            let plan = outcome.plan
            let report = outcome.report
            let limits = RollbackLimits.of(plan: plan, desired: reading.desired, current: outcome.current, options: options)
            let style = TerminalStyle.standardOutput

            switch output.output {
            case .json:
                print(MachineOutput.rollback(plan, limits: limits, from: from, report: report))
            case .text:
                print(style.bold("Rollback to \(from)"))
                print(PlanText(style: style, showUnchanged: flags.showUnchanged).render(plan, workspace: workspace.displayName, path: source.path))
                print("")
                print(RollbackLimitsText(style: style).render(limits))
                if let report {
                    print("")
                    print(ApplyText(style: style).render(report))
                } else if plan.hasChanges && !plan.hasErrors {
                    print("")
                    print(style.dim("Dry run: nothing changed. Add --apply to apply this plan."))
                }
            }
            if plan.hasErrors || report?.status == .failed { throw ExitCode(1) }
            if report == nil, flags.detailedExitcode, plan.hasChanges { throw ExitCode(2) }
        }
    }
}
