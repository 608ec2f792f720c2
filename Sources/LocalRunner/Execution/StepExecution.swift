import EmbeddedWorkspace
import Foundation
import Manifests
import Workspaces

/// One step through its lifecycle: `Queued` until compute admits it, `Preparing` while its
/// environment is built and its folder laid out, `Running`, then `Completed`, `Failed` or
/// `Canceled`. A pre-empted step gives its nodes back and starts again from `Queued`.
struct StepExecution: Sendable {
    var context: RunnerContext
    var job: String
    var jobDirectory: String
    var step: PipelineStep
    var defaultCompute: ComputeTarget
    var resolver: BindingResolver

    /// Runs the step from `record` (a fresh or resumed row); returns its last row and outputs.
    func run(from record: StepRun) async -> (StepRun, [String: ResolvedOutput]) {
        var run = record
        run.attempt += 1
        let layout = StepLayout(jobDirectory: jobDirectory, step: step.name)
        run.logs = layout.logs
        var outputs: [String: ResolvedOutput] = [:]
        while true {
            let (outcome, resolved) = await attempt(&run, layout: layout)
            outputs = resolved
            try? await context.workspace.releaseCompute(job: job, step: step.name)
            switch outcome {
            case .preempted:
                run.attempt += 1
                run.state = .queued
                run.reason = "pre-empted: the platform reclaimed its node; restarting (attempt \(run.attempt))"
                await save(run)
                continue
            case .completed:
                run.state = .completed
                run.reason = nil
            case .failed(let reason):
                run.state = .failed
                run.reason = reason
            case .canceled:
                run.state = .canceled
                run.reason = "canceled by request"
            }
            run.endedAt = Date()
            run.outputs = outputs.mapValues(\.path)
            await save(run)
            return (run, outputs)
        }
    }

    private func attempt(_ run: inout StepRun, layout: StepLayout) async -> (StepOutcome, [String: ResolvedOutput]) {
        // Compute first: a step waits in the queue holding nothing.
        let request = computeRequest()
        run.state = .queued
        run.nodes = request.nodes
        run.compute = describe(request.target)
        run.reason = "waiting for compute"
        await save(run)
        admission: while true {
            if Task.isCancelled { return (.canceled, [:]) }
            let decision =
                (try? await context.workspace.allocate(job: job, step: step.name) { [catalog = context.catalog] snapshot in
                    ComputeAdmission.decide(request, snapshot, catalog: catalog)
                }) ?? .wait(reason: "the state store is busy")
            switch decision {
            case .grant(let allocation):
                if allocation.cluster == nil, request.target == .serverless {
                    run.compute = "serverless (\(allocation.family), \(allocation.tier == .dedicated ? "dedicated" : "low priority"))"
                }
                break admission
            case .refuse(let reason):
                return (.failed(reason), [:])
            case .wait(let reason):
                if run.reason != reason {
                    run.reason = reason
                    await save(run)
                }
                try? await Task.sleep(for: context.pollInterval)
            }
        }

        run.state = .preparing
        run.reason = "preparing environment \(environmentLabel)"
        await save(run)
        let interpreter: String
        var note: String?
        switch await environment() {
        case .ready(let path, let remark):
            interpreter = path
            note = remark
        case .failed(let reason):
            return (.failed(reason), [:])
        }
        if Task.isCancelled { return (.canceled, [:]) }

        let inputs: [String: ResolvedInput]
        let outputs: [String: ResolvedOutput]
        do {
            try layout.create()
            try copyCode(to: layout)
            inputs = try resolver.inputs(stepInputs, of: step.name)
            outputs = try resolver.outputs(stepOutputs, layout: layout)
        } catch let error as BindingError {
            return (.failed(error.description), [:])
        } catch {
            return (.failed("cannot lay out \(layout.root): \(error.localizedDescription)"), [:])
        }
        run.outputs = outputs.mapValues(\.path)
        run.state = .running
        run.reason = note
        run.startedAt = run.startedAt ?? Date()
        await save(run)

        let codeDirectory = hasCode ? layout.code : layout.root
        switch step.body {
        case .command(let task):
            let command: String
            do {
                command = try CommandTemplate(task.command).render(
                    inputs: inputs.mapValues(\.text), outputs: outputs.mapValues(\.path))
            } catch {
                return (.failed(error.description), outputs)
            }
            let outcome = await CommandStepRun(
                job: job, step: step.name, command: command, directory: codeDirectory,
                environment: StepEnvironment.variables(
                    interpreter: interpreter, job: job, step: step.name, declared: task.environmentVariables,
                    inputs: inputs, outputs: outputs),
                timeout: task.timeout, layout: layout, workspace: context.workspace, pollInterval: context.pollInterval
            ).run()
            return (outcome, outputs)
        case .parallel(let task):
            return (await parallel(task, inputs: inputs, outputs: outputs, interpreter: interpreter, layout: layout,
                                   codeDirectory: codeDirectory), outputs)
        case .other(let type, _):
            return (.failed("a \(type) step cannot run in the local workspace; it runs on the Azure ML workspace"), outputs)
        }
    }

    private func parallel(
        _ task: ParallelTask, inputs: [String: ResolvedInput], outputs: [String: ResolvedOutput], interpreter: String,
        layout: StepLayout, codeDirectory: String
    ) async -> StepOutcome {
        let size = await computeSize()
        let settings: ParallelRunSettings
        let arguments: [String]
        do {
            settings = try ParallelRunSettings(task: task, isGPU: size.gpu, coresPerNode: size.cores)
            arguments = try ParallelRunSettings.tokenize(task.programArguments ?? "")
        } catch {
            return .failed(error.description)
        }
        let mainName = BindingResolver.bindingParts(task.inputData)
        guard mainName.count == 2, mainName[0] == "inputs", let main = inputs[mainName[1]], main.isData else {
            return .failed("input_data \(task.inputData) names no data input of the step; write ${{inputs.<a data input>}}")
        }
        var appendRowTo: String?
        if let target = task.appendRowTo {
            let parts = BindingResolver.bindingParts(target)
            guard parts.count == 2, parts[0] == "outputs", let output = outputs[parts[1]] else {
                return .failed("append_row_to \(target) names no output of the step; write ${{outputs.<an output>}}")
            }
            // A folder output gets Azure ML's file name for the gathered rows.
            appendRowTo = output.isFile ? output.path : output.path + "/parallel_run_step.txt"
        }
        guard let harness = RunnerContext.harness else {
            return .failed("the parallel worker harness (parallel_worker.py) is missing from the mlgitops installation")
        }
        let launch = WorkerLaunch(
            python: interpreter, harness: harness, entryScript: task.entryScript, codeDirectory: codeDirectory,
            programArguments: arguments,
            environment: StepEnvironment.variables(
                interpreter: interpreter, job: job, step: step.name, declared: task.environmentVariables,
                inputs: inputs, outputs: outputs),
            loggingLevel: settings.loggingLevel, logDirectory: layout.logs + "/user")
        return await ParallelStepRun(
            job: job, step: step.name, task: task, settings: settings, mainInput: main, appendRowTo: appendRowTo,
            launch: launch, layout: layout, workspace: context.workspace, pollInterval: context.pollInterval
        ).run()
    }

    // MARK: What the step declares

    private var stepInputs: [String: JobInput] {
        switch step.body {
        case .command(let task): task.inputs
        case .parallel(let task): task.inputs
        case .other: [:]
        }
    }

    private var stepOutputs: [String: JobOutput] {
        switch step.body {
        case .command(let task): task.outputs
        case .parallel(let task): task.outputs
        case .other: [:]
        }
    }

    private var code: CodeReference? {
        switch step.body {
        case .command(let task): task.code
        case .parallel(let task): task.code
        case .other: nil
        }
    }

    private var hasCode: Bool {
        if case .repository? = code { return true }
        return false
    }

    private func computeRequest() -> ComputeRequest {
        let compute: ComputeTarget
        var nodes = 1
        var instanceType: String?
        var spot = false
        switch step.body {
        case .command(let task):
            compute = task.compute
            nodes = task.instanceCount ?? 1
            instanceType = task.instanceType
            spot = task.jobTier?.lowercased() == "spot"
        case .parallel(let task):
            compute = task.compute
            nodes = task.instanceCount ?? 1
            instanceType = task.instanceType
        case .other:
            compute = .local
        }
        let effective = compute == .unspecified ? defaultCompute : compute
        let target: ComputeRequest.Target
        switch effective {
        case .cluster(let name): target = .cluster(name.hasPrefix("azureml:") ? String(name.dropFirst(8)) : name)
        case .local: target = .local
        case .serverless, .unspecified: target = .serverless
        }
        return ComputeRequest(job: job, step: step.name, target: target, nodes: max(nodes, 1), instanceType: instanceType, spot: spot)
    }

    private func describe(_ target: ComputeRequest.Target) -> String {
        switch target {
        case .cluster(let name): "compute/\(name)"
        case .serverless: "serverless"
        case .local: "local"
        }
    }

    /// Cores and GPUs of one node, for the parallel step's default concurrency.
    private func computeSize() async -> (cores: Int, gpu: Bool) {
        guard case .cluster(let name) = computeRequest().target else { return (ProcessInfo.processInfo.activeProcessorCount, false) }
        let clusters = (try? await context.workspace.observe().clusters) ?? []
        guard let spec = clusters.first(where: { $0.name == name })?.spec, let size = context.catalog.size(named: spec.size) else {
            return (1, false)
        }
        return (size.vCPUs, size.gpus > 0)
    }

    // MARK: Environment and code

    private var environmentLabel: String {
        let reference: EnvironmentReference?
        switch step.body {
        case .command(let task): reference = task.environment
        case .parallel(let task): reference = task.environment
        case .other: reference = nil
        }
        switch reference {
        case .named(let name, let version)?: return name + (version.map { ":\($0)" } ?? "@latest")
        case .inline(let environment)?: return "(inline, hash \(environment.hash.short))"
        case .external(let text)?: return text
        case nil: return "(none)"
        }
    }

    private enum Environment {
        case ready(String, note: String?)
        case failed(String)
    }

    private func environment() async -> Environment {
        let reference: EnvironmentReference?
        switch step.body {
        case .command(let task): reference = task.environment
        case .parallel(let task): reference = task.environment
        case .other: reference = nil
        }
        let hash: EnvironmentHash
        switch reference {
        case .named(let name, let version)?:
            guard let found = try? await context.workspace.environmentHash(name: name, version: version) else {
                return .failed(
                    "environment \(name)\(version.map { ":\($0)" } ?? "@latest") is not registered in the workspace; declare it in the repository and reconcile")
            }
            hash = found
        case .inline(let environment)?:
            do {
                try await context.workspace.ensureBuild(of: environment)
            } catch {
                return .failed("cannot queue the build of the step's inline environment: \(error)")
            }
            hash = environment.hash
        case .external(let text)?:
            return .ready(context.hostInterpreter, note: "runs with this machine's Python: \(text) is not built locally")
        case nil:
            return .ready(context.hostInterpreter, note: nil)
        }
        switch await context.builds.ready(hash) {
        case .ready(let interpreter): return .ready(interpreter, note: nil)
        case .failed(let reason): return .failed(reason)
        }
    }

    /// The step's own copy of its committed code, so nothing it writes there reaches the
    /// snapshot other runs of the definition share.
    private func copyCode(to layout: StepLayout) throws {
        guard case .repository(let path, _)? = code else {
            if case .remote(let text)? = code {
                throw BindingError(description: "code \(text) is remote; the local workspace runs only code committed to the repository")
            }
            return
        }
        guard let snapshot = resolver.snapshot else {
            throw BindingError(description: "the job has no snapshot of its commit to take code \(path) from")
        }
        let manager = FileManager.default
        let source = snapshot + "/" + path
        try? manager.removeItem(atPath: layout.code)
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw BindingError(description: "code \(path) is not in the job's snapshot (\(source))")
        }
        if isDirectory.boolValue {
            try manager.copyItem(atPath: source, toPath: layout.code)
        } else {
            try manager.createDirectory(atPath: layout.code, withIntermediateDirectories: true)
            try manager.copyItem(atPath: source, toPath: layout.code + "/" + (path as NSString).lastPathComponent)
        }
    }

    private func save(_ run: StepRun) async {
        _ = try? await context.workspace.updateStep(run, of: job)
    }
}
