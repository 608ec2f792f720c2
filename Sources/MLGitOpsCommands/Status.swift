import ArgumentParser
import EmbeddedWorkspace
import Foundation
import Reconciliation
import Rendering
import Workspaces

extension MLGitOps {
    /// `mlgitops status`: what the workspace holds and how the last reconcile went.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the workspace's clusters, environments, jobs and the last reconcile.")

        @OptionGroup var state: StateOptions
        @OptionGroup var target: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        struct Document: Encodable {
            var formatVersion = MachineOutput.formatVersion
            var workspace: String
            var current: CurrentState
            var lastReconcile: ReconcileRecord?
        }

        func run() async throws {
            guard target.isAzure || FileManager.default.fileExists(atPath: state.state) else {
                // Opening the workspace would create it: a status must change nothing.
                throw CommandError.noState(path: state.state)
            }
            let workspace = try target.open(state: state)
            let current = try await workspace.observe()
            let last = FileManager.default.fileExists(atPath: state.state)
                ? try HistoryStore(stateDirectory: state.state).records(limit: 1).first : nil
            if output.output == .json {
                print(MachineOutput.document(Document(workspace: workspace.displayName, current: current, lastReconcile: last)))
                return
            }
            print(StatusText(style: .standardOutput).render(workspace: workspace.displayName, current: current, last: last))
        }
    }

    /// `mlgitops history`: every reconcile with its revision, author and results.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "List past reconciles, newest first.")

        @OptionGroup var state: StateOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: "Only reconciles that acted on this resource, e.g. compute/cpu-cluster.")
        var resource: String?

        @Option(name: .long, help: "How many reconciles to show.")
        var limit: Int = 20

        @Flag(name: .long, help: "Show each reconcile's action results (and, with --output json, the plan it applied).")
        var verbose = false

        func run() async throws {
            guard FileManager.default.fileExists(atPath: state.state) else {
                throw CommandError.noState(path: state.state)
            }
            let records = try HistoryStore(stateDirectory: state.state).records(
                limit: limit, resource: resource, includePlan: verbose && output.output == .json)
            if output.output == .json {
                print(MachineOutput.history(records))
                return
            }
            print(HistoryText(style: .standardOutput, verbose: verbose).render(records))
        }
    }
}
