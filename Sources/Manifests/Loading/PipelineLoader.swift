/// Reads `type: pipeline` jobs and the steps of pipelines and pipeline components.
enum PipelineLoader {
    /// Reads a pipeline job's spec (everything but its name and metadata).
    static func read(
        _ root: YAMLNode, reader: inout FieldReader, session: inout LoadSession, dependencies: inout JobDependencies,
        index: RepositoryIndex
    ) -> Pipeline? {
        reader.checkKeys(root, "", allowed: ManifestVocabulary.pipelineJob, kind: "a pipeline job")
        _ = reader.enumeration(root["type"], "type", ["pipeline"])
        var defaultCompute = ReferenceReader.compute(root["compute"], field: "compute", reader: &reader,
                                                     dependencies: &dependencies, index: index)
        var continueOnFailure = false
        var forceRerun = false
        if let settingsNode = root["settings"], !settingsNode.isNull, let settings = reader.mapping(settingsNode, "settings") {
            if let computeNode = settings["default_compute"], let text = reader.string(computeNode, "settings.default_compute") {
                if text.lowercased() == "serverless" || text.lowercased().hasPrefix("azureml:") {
                    defaultCompute = ReferenceReader.compute(text)
                    if case .cluster(let name) = defaultCompute, index.clusterNames.contains(name) { dependencies.clusters.insert(name) }
                } else {
                    reader.error(computeNode, "settings.default_compute",
                                 "Value '\(text)' passed is not in set ['serverless']; an existing compute must be prefixed with 'azureml:'",
                                 fix: "write `default_compute: azureml:\(text)` (or `serverless`)")
                }
            }
            if let datastore = settings["default_datastore"], let text = reader.string(datastore, "settings.default_datastore"),
               !text.lowercased().hasPrefix("azureml:") {
                reader.error(datastore, "settings.default_datastore", "an existing datastore must be prefixed with 'azureml:' (found `\(text)`)",
                             fix: "write `default_datastore: azureml:\(text)`")
            }
            continueOnFailure = reader.bool(settings["continue_on_step_failure"], "settings.continue_on_step_failure") ?? false
            forceRerun = reader.bool(settings["force_rerun"], "settings.force_rerun") ?? false
        }
        let inputs = PortsReader.inputs(root["inputs"], field: "inputs", owner: .job, reader: &reader, session: &session)
        let outputs = PortsReader.outputs(root["outputs"], field: "outputs", owner: .job, reader: &reader)
        JobSettingsReader.identity(root["identity"], field: "identity", reader: &reader)
        JobSettingsReader.services(root["services"], field: "services", reader: &reader)

        let hasDefaultCompute = !(root["compute"]?.isNull ?? true) || !(root["settings"]?["default_compute"]?.isNull ?? true)
        var steps: [PipelineStep] = []
        if root["jobs"] != nil, root["component"] != nil {
            reader.error(root["component"], "component", "'jobs' and 'component' are mutually exclusive fields in pipeline job.",
                         fix: "keep either the steps under `jobs:` or a pipeline `component:`")
        } else if let componentNode = root["component"] {
            if let reference = reader.string(componentNode, "component") {
                if isComponentFile(reference) {
                    if let component = ComponentLoader.loadReference(
                        reference, node: componentNode, field: "component", reader: &reader, session: &session,
                        dependencies: &dependencies, index: index, depth: 0) {
                        checkRequiredInputs(component, given: Set(inputs.keys), node: componentNode, stepName: nil, field: "inputs", reader: &reader)
                        if !hasDefaultCompute {
                            for step in component.stepsWithoutCompute {
                                reportComputeNotSet(step, node: componentNode, reader: &reader)
                            }
                        }
                        steps = [PipelineStep(name: "component", body: .other(type: "pipeline", canonicalJSON: component.canonical.text),
                                              componentFile: component.file)]
                    }
                } else {
                    steps = [PipelineStep(name: "component", body: .other(type: "pipeline", canonicalJSON: CanonicalJSON.string(reference).text))]
                }
            }
        } else if root["jobs"] != nil {
            steps = readSteps(root["jobs"], field: "jobs", parentInputs: Set(inputs.keys), parentOutputs: Set(outputs.keys),
                              reader: &reader, session: &session, dependencies: &dependencies, index: index, depth: 0)
            if !hasDefaultCompute {
                for step in stepsWithoutCompute(root["jobs"], session: &session, file: reader.file) {
                    let name = step.split(separator: ".").first.map(String.init) ?? step
                    reportComputeNotSet(step, node: root["jobs"]?.entry(name).map { .marker(line: $0.keyLine, column: $0.keyColumn) } ?? root,
                                        reader: &reader)
                }
            }
        } else {
            reader.warning(root, nil, "the pipeline has no `jobs:` and no `component:`: it does nothing",
                           fix: "add steps under `jobs:`")
        }
        return Pipeline(defaultCompute: defaultCompute, continueOnStepFailure: continueOnFailure, forceRerun: forceRerun,
                        inputs: inputs, outputs: outputs, steps: steps)
    }

    private static func reportComputeNotSet(_ step: String, node: YAMLNode, reader: inout FieldReader) {
        reader.error(node, "jobs.\(step).compute", "Compute not set",
                     fix: "give the step a `compute:`, or the pipeline a `settings.default_compute` (e.g. `serverless` or `azureml:<cluster>`)")
    }

    /// The steps under `jobs` that name no compute (as the SDK counts them: pipeline steps are
    /// looked into when their component is a file, spark steps with `resources` need none),
    /// as dotted paths below `jobs`.
    static func stepsWithoutCompute(_ jobs: YAMLNode?, session: inout LoadSession, file: String, depth: Int = 0) -> [String] {
        var result: [String] = []
        for entry in jobs?.entries ?? [] where entry.value.entries != nil {
            let step = entry.value
            let type = step["type"]?.text ?? "command"
            if type == "pipeline" {
                guard depth < 8, let reference = step["component"]?.string, isComponentFile(reference) else { continue }
                let local = reference.hasPrefix("file:") ? String(reference.dropFirst(5)) : reference
                guard case .inside(let path) = RepositoryPath.resolve(local, from: RepositoryPath.folder(of: file)),
                      case .parsed(let component?)? = session.document(path) else { continue }
                result += stepsWithoutCompute(component["jobs"], session: &session, file: path, depth: depth + 1)
                    .map { "\(entry.key).jobs.\($0)" }
                continue
            }
            if type == "spark", step["resources"] != nil { continue }
            if step["compute"]?.isNull ?? true { result.append(entry.key) }
        }
        return result
    }

    static func isComponentFile(_ reference: String) -> Bool {
        if reference.hasPrefix("file:") { return true }
        if RepositoryPath.isRemote(reference) { return false }
        let lower = reference.lowercased()
        return lower.hasSuffix(".yml") || lower.hasSuffix(".yaml") || !lower.contains(":")
    }

    /// Whether a step name is a lowercase Python identifier (`^[a-z_][a-z0-9_]*$`).
    static func isValidStepName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")) || first == UInt8(ascii: "_")
        else { return false }
        return name.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || YAMLScalarResolver.isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// What a step exposes to the steps that bind it.
    private struct StepPorts {
        /// nil when unknown (a component in the workspace or a registry).
        var outputs: Set<String>?
    }

    /// Reads the steps under `jobs:`; `parentInputs`/`parentOutputs` are what `${{parent.inputs.x}}`
    /// and `${{parent.outputs.y}}` may name.
    static func readSteps(
        _ node: YAMLNode?, field: String, parentInputs: Set<String>, parentOutputs: Set<String>, reader: inout FieldReader,
        session: inout LoadSession, dependencies: inout JobDependencies, index: RepositoryIndex, depth: Int
    ) -> [PipelineStep] {
        guard let node, !node.isNull, let jobs = reader.mapping(node, field) else { return [] }
        var steps: [PipelineStep] = []
        var ports: [String: StepPorts] = [:]
        var stepNodes: [String: YAMLNode] = [:]
        for entry in jobs.entries ?? [] {
            let name = entry.key
            let stepField = FieldPath.join(field, name)
            if !isValidStepName(name) {
                reader.error(at: entry, stepField,
                             "Pipeline node name should be a valid python identifier(lower letters, numbers, underscore and start with a letter or underscore). Currently got \(name).",
                             fix: "rename the step, e.g. `\(ComponentLoader.suggestedName(name))`")
            }
            guard let stepNode = reader.mapping(entry.value, stepField) else { continue }
            stepNodes[name] = stepNode
            let (step, outputs) = readStep(name: name, stepNode, field: stepField, reader: &reader, session: &session,
                                           dependencies: &dependencies, index: index, depth: depth)
            ports[name] = StepPorts(outputs: outputs)
            if let step { steps.append(step) }
        }
        // Bindings, once every step's outputs are known.
        var order: [String: [String]] = [:]
        for entry in jobs.entries ?? [] {
            guard let stepNode = stepNodes[entry.key] else { continue }
            let stepField = FieldPath.join(field, entry.key)
            var upstream: Set<String> = []
            checkBindings(stepNode, field: stepField, parentInputs: parentInputs, parentOutputs: parentOutputs, ports: ports,
                          upstream: &upstream, reader: &reader)
            order[entry.key] = upstream.sorted()
        }
        for index in steps.indices { steps[index].dependsOn = order[steps[index].name] ?? [] }
        if let cycle = findCycle(order) {
            reader.error(node, field, "steps bind each other's outputs in a cycle: \(cycle.joined(separator: " -> "))",
                         fix: "remove one of the bindings so that the steps can run in order")
        }
        return steps
    }

    /// Reads one step; returns it and its output names (nil when unknown).
    private static func readStep(
        name: String, _ node: YAMLNode, field: String, reader: inout FieldReader, session: inout LoadSession,
        dependencies: inout JobDependencies, index: RepositoryIndex, depth: Int
    ) -> (PipelineStep?, Set<String>?) {
        let f = { (key: String) in FieldPath.join(field, key) }
        var type = "command"
        if let typeNode = node["type"] {
            guard let matched = reader.enumeration(typeNode, f("type"), ManifestVocabulary.stepTypes) else { return (nil, nil) }
            type = matched
        }
        // A step naming a component (`component:`, or `trial:` for sweeps) takes unknown keys: the SDK passes them through.
        let componentKey = type == "sweep" ? "trial" : "component"
        var component: ComponentDefinition?
        var remoteComponent: String?
        if let componentNode = node[componentKey] {
            if let text = componentNode.string {
                if isComponentFile(text) {
                    component = ComponentLoader.loadReference(text, node: componentNode, field: f(componentKey), reader: &reader,
                                                              session: &session, dependencies: &dependencies, index: index, depth: depth)
                    if component == nil { return (nil, nil) }
                } else {
                    remoteComponent = text
                }
            } else if componentNode.entries != nil {
                component = ComponentLoader.read(componentNode, field: f(componentKey), reader: &reader, session: &session,
                                                 dependencies: &dependencies, index: index, standalone: false, depth: depth + 1)
            } else {
                reader.error(componentNode, f(componentKey), "a component must be a path, an `azureml:` reference or a mapping",
                             fix: "write `\(componentKey): ./component.yml`")
                return (nil, nil)
            }
        }
        let named = component != nil || remoteComponent != nil
        let inputs = PortsReader.inputs(node["inputs"], field: f("inputs"), owner: .step, reader: &reader, session: &session)
        let outputs = PortsReader.outputs(node["outputs"], field: f("outputs"), owner: .step, reader: &reader)
        if let component {
            // A sweep's trial gets its searched inputs from `search_space`.
            let searched = Set((node["search_space"]?.entries ?? []).map(\.key))
            checkRequiredInputs(component, given: Set(inputs.keys).union(searched), node: node, stepName: name, field: f("inputs"),
                                reader: &reader)
        }
        var outputNames: Set<String>? = named ? component.map(\.outputs) : Set(outputs.keys)
        if component != nil, let declared = outputNames { outputNames = declared.union(outputs.keys) }

        switch type {
        case "command":
            if named {
                var dependenciesCopy = dependencies
                let compute = ReferenceReader.compute(node["compute"], field: f("compute"), reader: &reader,
                                                      dependencies: &dependenciesCopy, index: index)
                dependencies = dependenciesCopy
                let resources = JobSettingsReader.resources(node["resources"], field: f("resources"), reader: &reader)
                let timeout = JobSettingsReader.limits(node["limits"], field: f("limits"), reader: &reader)
                let tier = JobSettingsReader.queueSettings(node["queue_settings"], field: f("queue_settings"), reader: &reader)
                let distribution = JobSettingsReader.distribution(node["distribution"], field: f("distribution"), reader: &reader)
                let variables = CommandLoader.environmentVariables(node["environment_variables"], field: f("environment_variables"), reader: &reader)
                JobSettingsReader.identity(node["identity"], field: f("identity"), reader: &reader)
                if case .command(var task)? = component?.body {
                    task.inputs = inputs
                    task.outputs = outputs
                    task.compute = compute
                    task.environmentVariables.merge(variables) { _, new in new }
                    task.instanceCount = resources.instanceCount ?? task.instanceCount
                    task.instanceType = resources.instanceType ?? task.instanceType
                    task.timeout = timeout ?? task.timeout
                    task.jobTier = tier ?? task.jobTier
                    task.distribution = distribution ?? task.distribution
                    return (PipelineStep(name: name, body: .command(task), componentFile: component?.file), outputNames)
                }
                let canonical = reader.canonical(node, at: field)
                return (PipelineStep(name: name, body: .other(type: type, canonicalJSON: canonical.text), componentFile: component?.file), outputNames)
            }
            reader.checkKeys(node, field, allowed: ManifestVocabulary.commandStep, kind: "a command step")
            guard let task = CommandLoader.read(node, field: field, owner: .step, reader: &reader, session: &session,
                                                dependencies: &dependencies, index: index) else { return (nil, outputNames) }
            return (PipelineStep(name: name, body: .command(task)), outputNames)
        case "parallel":
            if named, component?.body == nil {
                let canonical = reader.canonical(node, at: field)
                return (PipelineStep(name: name, body: .other(type: type, canonicalJSON: canonical.text), componentFile: component?.file), outputNames)
            }
            let inputNames = Set(inputs.keys).union(component.map { Set($0.inputs.keys) } ?? [])
            guard var task = ParallelStepLoader.read(
                node, field: field, inputs: inputs, outputs: outputs, inputNames: inputNames, outputNames: outputNames ?? [],
                strictKeys: !named, reader: &reader, session: &session, dependencies: &dependencies, index: index)
            else { return (nil, outputNames) }
            if case .parallel(let base)? = component?.body {
                task = merge(step: task, node: node, over: base)
            }
            return (PipelineStep(name: name, body: .parallel(task), componentFile: component?.file), outputNames)
        default:
            // Other step types are recorded and submitted as written; their paths and bindings are still checked.
            if type == "automl" { reader.checkKeys(node, field, allowed: ManifestVocabulary.automlStep, kind: "an AutoML step") }
            if let codeNode = node["code"] {
                _ = ReferenceReader.code(codeNode, field: f("code"), reader: &reader, session: &session)
            }
            if let envNode = node["environment"] {
                _ = ReferenceReader.environment(envNode, field: f("environment"), reader: &reader, session: &session,
                                                dependencies: &dependencies, index: index)
            }
            _ = ReferenceReader.compute(node["compute"], field: f("compute"), reader: &reader, dependencies: &dependencies, index: index)
            if type == "spark" {
                readSparkResources(node["resources"], field: f("resources"), reader: &reader)
            } else if type == "sweep" || type == "automl" {
                _ = JobSettingsReader.resources(node["resources"], field: f("resources"), reader: &reader, strictKeys: false)
            }
            let canonical = reader.canonical(node, at: field)
            return (PipelineStep(name: name, body: .other(type: type, canonicalJSON: canonical.text), componentFile: component?.file),
                    type == "pipeline" || type == "sweep" || type == "spark" ? outputNames : nil)
        }
    }

    /// A spark step's `resources`: the Spark pool's `instance_type` (required) and `runtime_version`.
    private static func readSparkResources(_ node: YAMLNode?, field: String, reader: inout FieldReader) {
        guard let node, !node.isNull, !JobSettingsReader.isBinding(node), let map = reader.mapping(node, field) else { return }
        reader.checkKeys(map, field, allowed: ["instance_type", "runtime_version"], kind: "spark resources")
        for key in ["instance_type", "runtime_version"] where map[key] == nil {
            reader.error(map, field + "." + key, "missing required field `\(key)`",
                         fix: "give the Spark pool's `instance_type` (e.g. standard_e4s_v3) and `runtime_version` (e.g. \"3.3\")")
        }
        _ = JobSettingsReader.bindingOr(map["instance_type"]) {
            reader.enumeration($0, field + ".instance_type", ["standard_e4s_v3", "standard_e8s_v3", "standard_e16s_v3", "standard_e32s_v3", "standard_e64s_v3"])
        }
    }

    /// A parallel step naming a parallel component: the step's settings override the component's.
    private static func merge(step: ParallelTask, node: YAMLNode, over base: ParallelTask) -> ParallelTask {
        var task = base
        task.inputs = step.inputs
        task.outputs = step.outputs
        if node["input_data"] != nil { task.inputData = step.inputData }
        if node["mini_batch_size"] != nil { task.miniBatchSize = step.miniBatchSize }
        if node["partition_keys"] != nil { task.partitionKeys = step.partitionKeys }
        if node["resources"] != nil {
            task.instanceCount = step.instanceCount ?? task.instanceCount
            task.instanceType = step.instanceType ?? task.instanceType
        }
        if node["max_concurrency_per_instance"] != nil { task.maxConcurrencyPerInstance = step.maxConcurrencyPerInstance }
        if node["mini_batch_error_threshold"] != nil { task.miniBatchErrorThreshold = step.miniBatchErrorThreshold }
        if node["error_threshold"] != nil { task.errorThreshold = step.errorThreshold }
        if node["retry_settings"] != nil {
            task.maxRetries = step.maxRetries
            task.retryTimeout = step.retryTimeout
        }
        if node["logging_level"] != nil { task.loggingLevel = step.loggingLevel }
        task.environmentVariables.merge(step.environmentVariables) { _, new in new }
        if node["compute"] != nil { task.compute = step.compute }
        if node["task"] != nil {
            task.code = step.code ?? task.code
            if !step.entryScript.isEmpty { task.entryScript = step.entryScript }
            task.programArguments = step.programArguments ?? task.programArguments
            task.appendRowTo = step.appendRowTo ?? task.appendRowTo
        }
        return task
    }

    /// The SDK's "Required input 'x' for component 'a' not provided."
    static func checkRequiredInputs(
        _ component: ComponentDefinition, given: Set<String>, node: YAMLNode, stepName: String?, field: String,
        reader: inout FieldReader
    ) {
        for (name, port) in component.inputs.sorted(by: { $0.key < $1.key }) where !port.isOptional && !port.hasDefault && !given.contains(name) {
            let owner = stepName.map { "component '\($0)'" } ?? "the pipeline component"
            reader.error(node, FieldPath.join(field, name), "Required input '\(name)' for \(owner) not provided.",
                         fix: "give `\(name)` under `inputs:` (the component \(component.file) declares it without a default)")
        }
    }

    /// Checks every `${{parent...}}` binding in a step and gathers the steps it binds.
    private static func checkBindings(
        _ node: YAMLNode, field: String, parentInputs: Set<String>, parentOutputs: Set<String>, ports: [String: StepPorts],
        upstream: inout Set<String>, reader: inout FieldReader
    ) {
        for entry in node.entries ?? [] {
            // An inline component has its own ports; its bindings are not the pipeline's.
            if entry.key == "component" || entry.key == "trial", entry.value.entries != nil { continue }
            let isOutputs = entry.key == "outputs"
            walkStrings(entry.value, field: FieldPath.join(field, entry.key)) { text, at, fieldPath in
                for binding in BindingExpression.all(in: text) {
                    let parts = binding.parts
                    guard parts.first == "parent", parts.count >= 2 else { continue }
                    let shown = "${{\(binding.expression)}}"
                    switch parts[1] {
                    case "inputs":
                        if parts.count < 3 || !parentInputs.contains(String(parts[2])) {
                            reader.error(at, fieldPath, "Failed to find top level definition for input binding \(shown).",
                                         fix: "declare the input under the pipeline's `inputs:` or fix the binding")
                        }
                    case "outputs":
                        if parts.count < 3 || !parentOutputs.contains(String(parts[2])) {
                            let what = isOutputs ? "output" : "input"
                            reader.error(at, fieldPath, "Failed to find top level definition for \(what) binding \(shown).",
                                         fix: "declare the output under the pipeline's `outputs:` or fix the binding")
                        }
                    case "jobs":
                        guard parts.count >= 3 else { continue }
                        let step = String(parts[2])
                        guard let stepPorts = ports[step] else {
                            reader.error(at, fieldPath, "Failed to find referenced source for input binding \(shown)",
                                         fix: "bind an existing step: \(ports.keys.sorted().joined(separator: ", "))")
                            continue
                        }
                        upstream.insert(step)
                        if parts.count >= 5, parts[3] == "outputs", let known = stepPorts.outputs, !known.contains(String(parts[4])) {
                            reader.error(at, fieldPath, "Failed to find referenced source for input binding \(shown)",
                                         fix: "step `\(step)` has no output `\(parts[4])`; declare it under its `outputs:`")
                        }
                    default:
                        continue
                    }
                }
            }
        }
    }

    private static func walkStrings(_ node: YAMLNode, field: String, _ visit: (String, YAMLNode, String) -> Void) {
        switch node.value {
        case .scalar(let scalar): if scalar.kind == .string { visit(scalar.text, node, field) }
        case .sequence(let items): for (index, item) in items.enumerated() { walkStrings(item, field: "\(field)[\(index)]", visit) }
        case .mapping(let entries): for entry in entries { walkStrings(entry.value, field: FieldPath.join(field, entry.key), visit) }
        }
    }

    private static func findCycle(_ edges: [String: [String]]) -> [String]? {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ node: String) -> [String]? {
            if state[node] == 2 { return nil }
            if state[node] == 1 {
                let start = stack.firstIndex(of: node) ?? 0
                return Array(stack[start...]) + [node]
            }
            state[node] = 1
            stack.append(node)
            for next in edges[node] ?? [] where edges[next] != nil {
                if let cycle = visit(next) { return cycle }
            }
            stack.removeLast()
            state[node] = 2
            return nil
        }
        for node in edges.keys.sorted() { if let cycle = visit(node) { return cycle } }
        return nil
    }
}
