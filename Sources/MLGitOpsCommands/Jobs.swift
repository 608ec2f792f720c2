import ArgumentParser
import EmbeddedWorkspace
import Foundation
import LocalRunner
import Rendering
import Workspaces

extension MLGitOps {
    /// `mlgitops jobs`: the local workspace's job runs.
    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jobs",
            abstract: "List, inspect, follow, cancel and run the local workspace's jobs.",
            subcommands: [List.self, Show.self, Logs.self, Cancel.self, Run.self, Preempt.self],
            defaultSubcommand: List.self)
    }
}

extension MLGitOps.Jobs {
    /// Opens the workspace of an existing state folder (never creates one).
    static func openWorkspace(_ state: StateOptions) throws -> LocalWorkspace {
        guard FileManager.default.fileExists(atPath: state.state) else { throw CommandError.noState(path: state.state) }
        return try LocalWorkspace(stateDirectory: state.state)
    }

    static func find(_ name: String, in workspace: LocalWorkspace) async throws -> JobRun {
        if let run = try await workspace.jobRun(named: name) { return run }
        let known = try await workspace.jobNames()
        throw CommandError.noJob(name: name, known: known)
    }

    /// `mlgitops jobs list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List job runs, newest first.")
        @OptionGroup var state: StateOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            let runs = try await workspace.jobRuns()
            switch output.output {
            case .json: print(MachineOutput.jobRuns(runs))
            case .text: print(JobRunText(style: .standardOutput).list(runs))
            }
        }
    }

    /// `mlgitops jobs show NAME`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a job's steps, states, reasons, outputs and logs folders.")
        @OptionGroup var state: StateOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The job's submission name, or its logical name for its latest run.")
        var name: String

        func run() async throws {
            let run = try await MLGitOps.Jobs.find(name, in: MLGitOps.Jobs.openWorkspace(state))
            switch output.output {
            case .json: print(MachineOutput.jobRun(run))
            case .text: print(JobRunText(style: .standardOutput).show(run))
            }
        }
    }

    /// `mlgitops jobs logs NAME`.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logs",
            abstract: "Print a job's logs: each step's std_log.txt (and job_result.txt of parallel steps).")
        @OptionGroup var state: StateOptions
        @Argument(help: "The job's submission name, or its logical name for its latest run.")
        var name: String
        @Option(name: .long, help: "Only this step.")
        var step: String?
        @Flag(name: .long, help: "Keep printing what the logs gain until the job ends.")
        var follow = false

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            var run = try await MLGitOps.Jobs.find(name, in: workspace)
            if let step, !run.steps.contains(where: { $0.name == step }) {
                throw CommandError.noStep(job: run.name, step: step, known: run.steps.map(\.name))
            }
            var offsets: [String: UInt64] = [:]
            while true {
                for entry in run.steps where step == nil || entry.name == step {
                    let folder = entry.logs ?? "\(run.directory)/steps/\(entry.name)/logs"
                    for file in ["std_log.txt", "job_result.txt"] {
                        let path = folder + "/" + file
                        if file == "job_result.txt" && !run.state.isTerminal && follow { continue }
                        let (text, end) = Self.read(path, from: offsets[path] ?? 0)
                        guard !text.isEmpty else { continue }
                        if offsets[path] == nil { print("==> \(entry.name)/\(file) <==") }
                        offsets[path] = end
                        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
                    }
                }
                if !follow || run.state.isTerminal { break }
                try await Task.sleep(for: .milliseconds(500))
                run = try await MLGitOps.Jobs.find(run.name, in: workspace)
            }
        }

        static func read(_ path: String, from offset: UInt64) -> (String, UInt64) {
            guard let handle = FileHandle(forReadingAtPath: path) else { return ("", offset) }
            defer { try? handle.close() }
            try? handle.seek(toOffset: offset)
            let data = (try? handle.readToEnd()) ?? Data()
            return (String(decoding: data, as: UTF8.self), offset + UInt64(data.count))
        }
    }

    /// `mlgitops jobs cancel NAME`.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel",
            abstract: "Cancel a job: at once if it never started, else its runner stops its processes.")
        @OptionGroup var state: StateOptions
        @Argument(help: "The job's submission name, or its logical name for its latest run.")
        var name: String

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            let run = try await MLGitOps.Jobs.find(name, in: workspace)
            let after = try await workspace.requestCancel(run.name)
            switch after {
            case .canceled: print("\(run.name): Canceled")
            case .cancelRequested: print("\(run.name): CancelRequested (its runner stops it within a second)")
            default: print("\(run.name): already \(after.rawValue); nothing to cancel")
            }
        }
    }

    /// `mlgitops jobs run`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run queued jobs, environment builds and schedules on this machine until nothing is left.",
            discussion: """
                Another runner (a `reconcile --wait`, a `sync`) may share the state folder: each \
                job is claimed by one. Work left by a runner that died is found and re-queued first. \
                Ctrl-C gives running steps back to the queue.
                """)
        @OptionGroup var state: StateOptions
        @Flag(name: .long, help: "Keep running (for schedules) until stopped.")
        var keepRunning = false

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            try await RunnerSession(
                workspace: workspace, stop: keepRunning ? .never : .whenIdle, watched: nil,
                progressToStandardError: false
            ).run()
        }
    }

    /// `mlgitops jobs preempt NAME --step S`: a drill.
    struct Preempt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preempt",
            abstract: "Pre-empt a running step as the platform does when it reclaims a low-priority node (a drill).")
        @OptionGroup var state: StateOptions
        @Argument(help: "The job's submission name, or its logical name for its latest run.")
        var name: String
        @Option(name: .long, help: "The step to pre-empt (main for a command job).")
        var step: String = "main"

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            let run = try await MLGitOps.Jobs.find(name, in: workspace)
            guard run.steps.contains(where: { $0.name == step }) else {
                throw CommandError.noStep(job: run.name, step: step, known: run.steps.map(\.name))
            }
            try await workspace.requestPreemption(job: run.name, step: step)
            print("\(run.name)/\(step): pre-emption requested; its runner restarts the step")
        }
    }
}
