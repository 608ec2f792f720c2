import ArgumentParser
import AzureMLWorkspace
import Manifests
import Policies
import Rendering

extension MLGitOps {
    /// `mlgitops validate`: checks the manifests at a revision without touching any workspace.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check every manifest at a revision: exit 1 with file:line diagnostics on errors.")

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var state: StateOptions
        @OptionGroup var target: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            // Validation never touches a workspace; a given one is only checked for its form.
            if let uri = target.workspace { _ = try AzureWorkspaceAddress(parsing: uri) }
            let reader = DesiredStateReader(repository: repository, stateDirectory: state.state)
            let (repository, snapshot) = try await reader.snapshot()
            var (desired, commit) = (reader.load(snapshot, from: repository, recording: false).desired, snapshot.commit)
            ProcessLifetime.keepUntilExit(snapshot, desired)
            // The policy rules (VM sizes, node cap, quota scopes) judge the files too; without a
            // workspace, only the declared policies count.
            desired.diagnostics = (desired.diagnostics + PolicyCheck.diagnostics(
                for: desired, policies: desired.quotaPolicies, workspaceLocation: nil, catalog: .shipped)
            ).sorted { ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column) }
            switch output.output {
            case .json:
                print(MachineOutput.validation(desired.diagnostics, revision: commit.sha))
            case .text:
                let style = TerminalStyle.standardOutput
                if !desired.diagnostics.isEmpty { print(DiagnosticsText(style: style).render(desired.diagnostics)) }
                if !desired.hasErrors {
                    let count = desired.clusters.count + desired.environments.count + desired.jobs.count
                        + desired.schedules.count + desired.quotaPolicies.count + desired.locks.count
                    print(style.green("Valid:") + " \(count) resource(s) at \(commit.shortSHA) (\(desired.clusters.count) clusters, "
                        + "\(desired.environments.count) environments, \(desired.jobs.count) jobs, \(desired.schedules.count) schedules, "
                        + "\(desired.quotaPolicies.count) quota policies, \(desired.locks.count) locks).")
                }
            }
            if desired.hasErrors { throw ExitCode(1) }
        }
    }
}
