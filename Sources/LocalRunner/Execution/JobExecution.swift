import EmbeddedWorkspace
import Foundation
import Manifests
import Workspaces

/// One claimed job to its end: its steps in the order their bindings give (independent steps
/// side by side), outputs of one step handed to the next, `continue_on_step_failure`
/// honoured, and a cancellation asked from any process stopping what runs.
struct JobExecution: Sendable {
    var context: RunnerContext
    var claimed: ClaimedJob

    /// The steps of a job; a command job is one step named `main`.
    struct Shape: Sendable {
        var steps: [PipelineStep]
        var defaultCompute: ComputeTarget
        var continueOnStepFailure: Bool
        var inputs: [String: JobInput]
        var outputs: [String: JobOutput]
    }

    static func shape(of job: Job) -> Shape {
        switch job.spec {
        case .command(let task):
            return Shape(
                steps: [PipelineStep(name: "main", body: .command(task))], defaultCompute: .unspecified,
                continueOnStepFailure: false, inputs: [:], outputs: [:])
        case .pipeline(let pipeline):
            return Shape(
                steps: pipeline.steps, defaultCompute: pipeline.defaultCompute,
                continueOnStepFailure: pipeline.continueOnStepFailure, inputs: pipeline.inputs, outputs: pipeline.outputs)
        }
    }

    static func typeName(_ body: PipelineStep.Body) -> String {
        switch body {
        case .command: "command"
        case .parallel: "parallel"
        case .other(let type, _): type
        }
    }

    func run() async {
        let workspace = context.workspace
        let name = claimed.name
        let shape = Self.shape(of: claimed.job)
        guard !shape.steps.isEmpty else {
            try? await workspace.finishJob(name, .completed, reason: nil)
            return
        }
        let records: [StepRun]
        do {
            records = try await workspace.initializeSteps(
                shape.steps.map { StepRun(name: $0.name, type: Self.typeName($0.body), state: .notStarted) }, of: name)
        } catch {
            try? await workspace.finishJob(name, .failed, reason: "cannot record the job's steps: \(error)")
            return
        }
        if (try? await workspace.jobState(name)) == .cancelRequested {
            try? await workspace.finishJob(name, .canceled, reason: "canceled by request")
            return
        }
        let work = Task { await runSteps(shape, records: records) }
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: context.pollInterval)
                if (try? await workspace.jobState(name)) == .cancelRequested {
                    work.cancel()
                    return
                }
            }
        }
        let outputs = await work.value
        watcher.cancel()
        if !outputs.isEmpty { try? await workspace.recordPipelineOutputs(outputs, job: name) }
        if (try? await workspace.jobState(name)).map({ !$0.isTerminal }) ?? false {
            // Everything ended but the job did not: steps canceled before they ran.
            try? await workspace.finishJob(name, .canceled, reason: "canceled by request")
        }
    }

    /// Runs the steps; returns where the pipeline's own outputs are.
    private func runSteps(_ shape: Shape, records: [StepRun]) async -> [String: String] {
        let name = claimed.name
        var rows = Dictionary(uniqueKeysWithValues: records.map { ($0.name, $0) })
        var resolver = BindingResolver(
            snapshot: claimed.snapshot, jobDirectory: claimed.directory, pipelineInputs: shape.inputs,
            pipelineOutputs: shape.outputs)
        var pipelineOutputs: [String: String] = [:]
        // Steps that completed under an earlier runner keep their outputs.
        for step in shape.steps where rows[step.name]?.state == .completed {
            let layout = StepLayout(jobDirectory: claimed.directory, step: step.name)
            if let outputs = try? resolver.outputs(Self.outputs(of: step), layout: layout) {
                resolver.stepOutputs[step.name] = outputs
                for output in outputs.values { if let bound = output.pipelineOutput { pipelineOutputs[bound] = output.path } }
            }
        }
        var firstFailure: String?
        await withTaskGroup(of: (StepRun, [String: ResolvedOutput]).self) { group in
            var running: Set<String> = []
            while true {
                for step in shape.steps {
                    guard var row = rows[step.name], !row.state.isTerminal, !running.contains(step.name) else { continue }
                    let blocking = step.dependsOn.first { rows[$0].map { $0.state != .completed && $0.state.isTerminal } ?? false }
                    var skip: String?
                    if Task.isCancelled {
                        skip = "canceled by request before it ran"
                    } else if let blocking {
                        skip = "not run: step \(blocking), whose outputs it needs, did not complete"
                    } else if let firstFailure, !shape.continueOnStepFailure {
                        skip = "not run: \(firstFailure) and continue_on_step_failure is false"
                    }
                    if let skip {
                        row.state = .canceled
                        row.reason = skip
                        row.endedAt = Date()
                        rows[step.name] = row
                        _ = try? await context.workspace.updateStep(row, of: name)
                        continue
                    }
                    guard step.dependsOn.allSatisfy({ rows[$0]?.state == .completed }) else { continue }
                    running.insert(step.name)
                    let execution = StepExecution(
                        context: context, job: name, jobDirectory: claimed.directory, step: step,
                        defaultCompute: shape.defaultCompute, resolver: resolver)
                    group.addTask { await execution.run(from: row) }
                }
                guard let (row, outputs) = await group.next() else { break }
                running.remove(row.name)
                rows[row.name] = row
                if row.state == .completed {
                    resolver.stepOutputs[row.name] = outputs
                    for output in outputs.values { if let bound = output.pipelineOutput { pipelineOutputs[bound] = output.path } }
                } else if row.state == .failed, firstFailure == nil {
                    firstFailure = "step \(row.name) failed"
                    if !shape.continueOnStepFailure && !running.isEmpty {
                        // The platform stops the rest of a pipeline that does not continue on failure.
                        group.cancelAll()
                    }
                }
            }
        }
        if let firstFailure, !shape.continueOnStepFailure, !Task.isCancelled {
            for var row in rows.values where row.state == .canceled && row.reason == "canceled by request" {
                row.reason = "stopped: \(firstFailure) and continue_on_step_failure is false"
                _ = try? await context.workspace.updateStep(row, of: name)
            }
        }
        return pipelineOutputs
    }

    static func outputs(of step: PipelineStep) -> [String: JobOutput] {
        switch step.body {
        case .command(let task): task.outputs
        case .parallel(let task): task.outputs
        case .other: [:]
        }
    }
}
