import ArgumentParser
import EmbeddedWorkspace
import Foundation
import Planning
import Rendering
import Workspaces

/// The options of a pull-request plan (`plan --base REF --head REF`).
struct ReviewOptions: ParsableArguments {
    @Option(name: .long, help: "Plan a pull request: the base revision (e.g. origin/main) to compare the head with.")
    var base: String?

    @Option(name: .long, help: "With --base: the pull request's revision (default: --ref).")
    var head: String?

    @Option(name: .long, help: "With --base: markdown (a pull-request comment), json or text (default: --output).")
    var format: ReviewFormat?

    @Option(name: .long, help: "With --format markdown: the most characters (UTF-8 bytes) the comment may have.")
    var maxLength: Int = 60_000
}

/// How a pull-request plan is printed.
enum ReviewFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case markdown, json, text
}

/// `plan --base REF --head REF`: plans both revisions against the same workspace and shows
/// what the pull request changes. Exit codes: 0 no changes, 2 changes, 3 changes of which some
/// are blocked, 1 errors. It never creates or changes the state.
struct PlanReview {
    var repository: RepositoryOptions
    var state: StateOptions
    var output: OutputOptions
    var flags: PlanFlags
    var review: ReviewOptions

    /// The exit code for a head plan.
    static func exitCode(_ head: Plan) -> Int32 {
        if head.hasErrors { return 1 }
        if head.actions.contains(where: { $0.verb == .blocked }) { return 3 }
        return head.hasChanges ? 2 : 0
    }

    func run() async throws {
        guard let baseRef = review.base else { return }
        let headRef = review.head ?? repository.ref
        guard review.maxLength >= 2_000 else {
            throw ValidationError("--max-length must be at least 2000 characters, to hold the summary")
        }
        var baseOptions = repository, headOptions = repository
        baseOptions.ref = baseRef
        headOptions.ref = headRef
        let (baseDesired, _) = try await DesiredStateReader(repository: baseOptions, stateDirectory: state.state).read()
        let (headDesired, _) = try await DesiredStateReader(repository: headOptions, stateDirectory: state.state).read()

        // A review changes nothing: without a state folder, it plans against an empty workspace
        // instead of creating one.
        let current: CurrentState
        let workspaceName: String
        var note: String?
        if FileManager.default.fileExists(atPath: URL(fileURLWithPath: state.state).appendingPathComponent(LocalWorkspace.databaseFileName).path) {
            let workspace = try LocalWorkspace(stateDirectory: state.state)
            current = try await workspace.observe()
            workspaceName = workspace.displayName
        } else {
            current = CurrentState()
            workspaceName = "local workspace at \(state.state)"
            note = "No state at \(state.state): planned against an empty workspace, so everything declared is new."
        }
        let options = flags.planOptions
        let comparison = PlanComparison(
            base: Planner.plan(desired: baseDesired, current: current, options: options),
            head: Planner.plan(desired: headDesired, current: current, options: options))
        let code = Self.exitCode(comparison.head)

        let format = review.format ?? (output.output == .json ? .json : .text)
        switch format {
        case .json:
            print(MachineOutput.comparison(comparison, baseRef: baseRef, headRef: headRef, exitCode: code))
        case .text:
            print(PlanComparisonText(style: .standardOutput).render(
                comparison, baseRef: baseRef, headRef: headRef, workspace: workspaceName, path: repository.path))
        case .markdown:
            let command = (["mlgitops", "plan", "--path", repository.path, "--base", baseRef, "--head", headRef]
                + (flags.prune ? ["--prune"] : []) + (flags.allowScaleUpdates ? ["--allow-scale-updates"] : [])
                + (flags.allowReplace ? ["--allow-replace"] : []) + ["--format", "text"]).joined(separator: " ")
            let context = PlanMarkdown.Context(
                baseRef: baseRef, headRef: headRef, path: repository.path, workspace: workspaceName, workspaceNote: note,
                command: command)
            print(PlanMarkdown(limit: review.maxLength).render(comparison, context: context), terminator: "")
        }
        if code != 0 { throw ExitCode(code) }
    }
}
