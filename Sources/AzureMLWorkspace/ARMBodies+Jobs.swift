import Foundation
public import Manifests

/// What a job submission sends: the assets it registers first (code, anonymous environments,
/// anonymous components, in that order) and the job's own properties.
public struct JobRequests {
    /// ARM id and body of each asset to PUT before the job.
    public var prerequisites: [(id: String, body: [String: Any])] = []
    /// `properties` of the job (or of a schedule's `jobDefinition`).
    public var properties: [String: Any] = [:]
}

extension ARMBodies {
    /// The requests of a job, with our hash and logical name as tags.
    public func job(_ job: Job, inSchedule: Bool = false) -> JobRequests {
        var requests = JobRequests()
        var properties: [String: Any]
        switch job.spec {
        case .command(let task):
            properties = commandProperties(task, requests: &requests)
            properties["jobType"] = "Command"
        case .pipeline(let pipeline):
            properties = pipelineProperties(pipeline, requests: &requests)
            properties["jobType"] = "Pipeline"
        }
        properties["displayName"] = job.displayName ?? job.name
        if !inSchedule { properties["experimentName"] = job.experimentName ?? job.name }
        if let description = job.description { properties["description"] = description }
        var tags = job.tags
        if !inSchedule {
            tags[Self.hashTag] = job.hash.hex
            tags[Self.logicalNameTag] = job.name
        }
        properties["tags"] = tags
        properties["properties"] = [String: Any]()
        properties["isArchived"] = false
        requests.properties = properties
        return requests
    }

    // MARK: Command jobs

    private func commandProperties(_ task: CommandTask, requests: inout JobRequests) -> [String: Any] {
        var properties: [String: Any] = [
            "command": task.command,
            "inputs": task.inputs.mapValues { typedInput($0) },
            "outputs": task.outputs.mapValues { typedOutput($0) },
            "environmentVariables": task.environmentVariables,
            "environmentId": environmentReference(task.environment, requests: &requests, armForm: true),
        ]
        if let code = codeReference(task.code, requests: &requests) { properties["codeId"] = code }
        if case .cluster(let name) = task.compute { properties["computeId"] = computeID(name) }
        if task.instanceCount != nil || task.instanceType != nil {
            var resources: [String: Any] = ["properties": [String: Any]()]
            if let count = task.instanceCount { resources["instanceCount"] = count }
            if let type = task.instanceType { resources["instanceType"] = type }
            properties["resources"] = resources
        }
        if let timeout = task.timeout { properties["limits"] = ["jobLimitsType": "Command", "timeout": ISODuration.format(seconds: timeout)] }
        if let tier = task.jobTier { properties["queueSettings"] = ["jobTier": tier.prefix(1).uppercased() + tier.dropFirst()] }
        if let distribution = task.distribution {
            let type = ["pytorch": "PyTorch", "mpi": "Mpi", "tensorflow": "TensorFlow", "ray": "Ray"][distribution.lowercased()] ?? distribution
            properties["distribution"] = ["distributionType": type]
        }
        return properties
    }

    /// Top-level inputs: camelCase `jobInputType` (typed in the swagger).
    private func typedInput(_ input: JobInput) -> [String: Any] {
        switch input {
        case .literal(let value): return ["jobInputType": "literal", "value": value]
        case .binding(let value): return ["jobInputType": "literal", "value": value]
        case .data(let type, let path, let mode):
            var object: [String: Any] = ["jobInputType": type]
            if let path { object["uri"] = dataURI(path, type: type) }
            if let mode { object["mode"] = Self.inputMode(mode) }
            return object
        }
    }

    private func typedOutput(_ output: JobOutput) -> [String: Any] {
        var object: [String: Any] = ["jobOutputType": output.type ?? "uri_folder"]
        if let mode = output.mode { object["mode"] = Self.outputMode(mode) }
        if let path = output.path { object["uri"] = dataURI(path, type: output.type ?? "uri_folder") }
        return object
    }

    /// Step inputs inside `jobs`: snake_case `job_input_type`, stored opaquely by the service.
    private func stepInput(_ input: JobInput) -> [String: Any] {
        switch input {
        case .literal(let value), .binding(let value): return ["job_input_type": "literal", "value": value]
        case .data(let type, let path, let mode):
            if case .binding(let binding)? = path { return ["job_input_type": "literal", "value": binding] }
            var object: [String: Any] = ["job_input_type": type]
            if let path { object["uri"] = dataURI(path, type: type) }
            if let mode { object["mode"] = Self.inputMode(mode) }
            return object
        }
    }

    /// A step output, or nil when it says nothing beyond the component's port (the SDK omits it).
    private func stepOutput(_ output: JobOutput) -> [String: Any]? {
        if case .binding(let binding)? = output.path { return ["type": "literal", "value": binding] }
        if output.path == nil, output.mode == nil { return nil }
        var object: [String: Any] = ["job_output_type": output.type ?? "uri_folder"]
        if let mode = output.mode { object["mode"] = Self.outputMode(mode) }
        if let path = output.path { object["uri"] = dataURI(path, type: output.type ?? "uri_folder") }
        return object
    }

    private func dataURI(_ path: DataPath, type: String) -> String {
        switch path {
        case .remote(let uri): return uri
        case .binding(let binding): return binding
        case .repository(let path, let digest):
            return "azureml://datastores/workspaceblobstore/paths/LocalUpload/\(Self.hex(digest))/\(Self.lastComponent(path))"
                + (type == "uri_folder" ? "/" : "")
        }
    }

    static func inputMode(_ mode: String) -> String {
        ["ro_mount": "ReadOnlyMount", "rw_mount": "ReadWriteMount", "download": "Download", "direct": "Direct",
         "eval_mount": "EvalMount", "eval_download": "EvalDownload", "upload": "Upload"][mode] ?? mode
    }

    static func outputMode(_ mode: String) -> String {
        ["rw_mount": "ReadWriteMount", "upload": "Upload", "direct": "Direct"][mode] ?? mode
    }

    /// The id a job names its environment by; an inline environment is registered anonymously.
    private func environmentReference(_ reference: EnvironmentReference, requests: inout JobRequests, armForm: Bool) -> String {
        switch reference {
        case .named(let name, let version?): return "azureml:\(name):\(version)"
        case .named(let name, nil): return "azureml:\(name)@latest"
        case .external(let text): return text
        case .inline(let environment):
            let id = anonymousEnvironmentID(environment)
            if !requests.prerequisites.contains(where: { $0.id == id }) {
                requests.prerequisites.append((id, self.environment(environment, anonymous: true)))
            }
            return armForm ? id : "azureml:\(id)"
        }
    }

    /// Registers committed code as an anonymous code asset; returns its id.
    private func codeReference(_ code: CodeReference?, requests: inout JobRequests) -> String? {
        switch code {
        case nil: return nil
        case .remote(let text)?: return text
        case .repository(let path, let digest)?:
            let id = codeID(digest)
            if !requests.prerequisites.contains(where: { $0.id == id }) {
                requests.prerequisites.append((id, self.code(path: path, digest: digest)))
            }
            return id
        }
    }

    // MARK: Pipelines

    private func pipelineProperties(_ pipeline: Pipeline, requests: inout JobRequests) -> [String: Any] {
        var settings: [String: Any] = ["_source": "YAML.JOB"]
        if case .cluster(let name) = pipeline.defaultCompute { settings["default_compute"] = computeID(name) }
        if pipeline.continueOnStepFailure { settings["continue_on_step_failure"] = true }
        if pipeline.forceRerun { settings["force_rerun"] = true }
        var jobs: [String: Any] = [:]
        for step in pipeline.steps { jobs[step.name] = stepBody(step, pipeline: pipeline, requests: &requests) }
        return [
            "inputs": pipeline.inputs.mapValues { typedInput($0) },
            "outputs": pipeline.outputs.mapValues { typedOutput($0) },
            "settings": settings, "jobs": jobs,
        ]
    }

    private func stepBody(_ step: PipelineStep, pipeline: Pipeline, requests: inout JobRequests) -> [String: Any] {
        var body: [String: Any] = ["name": step.name, "_source": "YAML.JOB"]
        switch step.body {
        case .command(let task):
            body["type"] = "command"
            var spec: [String: Any] = [
                "command": task.command, "name": "azureml_anonymous", "version": "1", "is_deterministic": true, "type": "command",
                "_source": "YAML.JOB", "environment": environmentReference(task.environment, requests: &requests, armForm: false),
            ]
            if let code = codeReference(task.code, requests: &requests) { spec["code"] = "azureml:\(code)" }
            if !task.inputs.isEmpty { spec["inputs"] = task.inputs.mapValues { componentPort($0, pipeline: pipeline) } }
            if !task.outputs.isEmpty { spec["outputs"] = task.outputs.mapValues { ["type": $0.type ?? "uri_folder"] as [String: Any] } }
            if case .cluster(let name) = task.compute { body["computeId"] = computeID(name) }
            if !task.inputs.isEmpty { body["inputs"] = task.inputs.mapValues { stepInput($0) } }
            let outputs = task.outputs.compactMapValues { stepOutput($0) }
            if !outputs.isEmpty { body["outputs"] = outputs }
            if !task.environmentVariables.isEmpty { body["environment_variables"] = task.environmentVariables }
            if let count = task.instanceCount { body["resources"] = ["instance_count": count] }
            body["componentId"] = register(spec, requests: &requests)
        case .parallel(let task):
            body["type"] = "parallel"
            var taskObject: [String: Any] = [
                "type": "run_function", "entry_script": task.entryScript,
                "environment": environmentReference(task.environment, requests: &requests, armForm: false),
            ]
            if let code = codeReference(task.code, requests: &requests) { taskObject["code"] = "azureml:\(code)" }
            if let arguments = task.programArguments { taskObject["program_arguments"] = arguments }
            if let append = task.appendRowTo { taskObject["append_row_to"] = append }
            var shared: [String: Any] = [
                "task": taskObject, "input_data": task.inputData, "logging_level": task.loggingLevel,
                "error_threshold": task.errorThreshold, "mini_batch_error_threshold": task.miniBatchErrorThreshold,
                "retry_settings": ["timeout": task.retryTimeout, "max_retries": task.maxRetries],
            ]
            if let count = task.instanceCount { shared["resources"] = ["instance_count": count] }
            if let concurrency = task.maxConcurrencyPerInstance { shared["max_concurrency_per_instance"] = concurrency }
            var spec = shared.merging([
                "name": "azureml_anonymous", "version": "1", "is_deterministic": true, "type": "parallel", "_source": "YAML.JOB",
            ]) { a, _ in a }
            switch task.miniBatchSize {
            case .files(let count)?: spec["mini_batch_size"] = String(count); shared["mini_batch_size"] = count
            case .bytes(let bytes)?: spec["mini_batch_size"] = String(bytes); shared["mini_batch_size"] = bytes
            case nil: break
            }
            if let keys = task.partitionKeys { spec["partition_keys"] = keys; shared["partition_keys"] = keys }
            if !task.inputs.isEmpty { spec["inputs"] = task.inputs.mapValues { componentPort($0, pipeline: pipeline) } }
            if !task.outputs.isEmpty { spec["outputs"] = task.outputs.mapValues { ["type": $0.type ?? "uri_folder"] as [String: Any] } }
            body.merge(shared) { a, _ in a }
            if case .cluster(let name) = task.compute { body["computeId"] = computeID(name) }
            if !task.inputs.isEmpty { body["inputs"] = task.inputs.mapValues { stepInput($0) } }
            let outputs = task.outputs.compactMapValues { stepOutput($0) }
            if !outputs.isEmpty { body["outputs"] = outputs }
            if !task.environmentVariables.isEmpty { body["environment_variables"] = task.environmentVariables }
            body["componentId"] = register(spec, requests: &requests)
        case .other(let type, let canonicalJSON):
            var object = (try? JSONSerialization.jsonObject(with: Data(canonicalJSON.utf8))) as? [String: Any] ?? [:]
            if let inputs = object["inputs"] as? [String: Any] { object["inputs"] = inputs.mapValues(Self.rawStepInput) }
            body.merge(object) { ours, _ in ours }
            body["type"] = type
        }
        return body
    }

    /// A component port for a step input: its data type, or `string` for literals and bindings
    /// to literal pipeline inputs.
    private func componentPort(_ input: JobInput, pipeline: Pipeline) -> [String: Any] {
        switch input {
        case .literal: return ["type": "string"]
        case .binding(let binding):
            if let name = Self.parentInputName(binding), case .data(let type, _, _)? = pipeline.inputs[name] { return ["type": type] }
            return ["type": "string"]
        case .data(let type, _, let mode):
            var port: [String: Any] = ["type": type]
            if let mode { port["mode"] = mode }
            return port
        }
    }

    /// An input of a step type kept as written (sweep, spark, a component): in the wire form.
    static func rawStepInput(_ value: Any) -> Any {
        guard let object = value as? [String: Any] else {
            let text: String
            switch value {
            case let flag as Bool: text = flag ? "True" : "False"
            case let number as NSNumber: text = number.stringValue
            default: text = "\(value)"
            }
            return ["job_input_type": "literal", "value": text]
        }
        guard let type = object["type"] as? String else { return object }
        var wire: [String: Any] = ["job_input_type": type]
        if let path = object["path"] { wire["uri"] = path }
        if let mode = object["mode"] as? String { wire["mode"] = inputMode(mode) }
        return wire
    }

    static func parentInputName(_ binding: String) -> String? {
        guard let range = binding.range(of: "parent.inputs.") else { return nil }
        return String(binding[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
    }

    /// Registers an anonymous component whose version is a UUID derived from its spec.
    private func register(_ spec: [String: Any], requests: inout JobRequests) -> String {
        let canonical = (try? JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys])) ?? Data()
        let hex = SHA256.hex(of: String(decoding: canonical, as: UTF8.self))
        let characters = Array(hex.prefix(32))
        let version = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
        let id = componentID(version)
        if !requests.prerequisites.contains(where: { $0.id == id }) {
            requests.prerequisites.append((id, ["properties": [
                "componentSpec": spec, "isAnonymous": true, "isArchived": false, "properties": [String: Any](),
                "tags": [String: Any](),
            ] as [String: Any]]))
        }
        return id
    }

    // MARK: Schedules

    /// PUT schedules/{name}: the trigger and the job definition, with our hash as a tag.
    public func schedule(_ schedule: Schedule, enabled: Bool = true) -> JobRequests {
        var requests = schedule.job.map { job(_: $0, inSchedule: true) } ?? JobRequests()
        var action: [String: Any] = ["actionType": "CreateJob"]
        if let source = schedule.sourceJob {
            action["jobDefinition"] = ["sourceJobId": source, "jobType": "Pipeline"]
        } else {
            action["jobDefinition"] = requests.properties
        }
        var trigger: [String: Any]
        switch schedule.trigger {
        case .cron(let expression, let timeZone, let start, let end):
            trigger = ["triggerType": "Cron", "expression": expression, "timeZone": timeZone]
            if let start { trigger["startTime"] = Self.sdkTime(start) }
            if let end { trigger["endTime"] = Self.sdkTime(end) }
        case .recurrence(let frequency, let interval, let hours, let minutes, let weekDays, let monthDays, let timeZone, let start, let end):
            trigger = ["triggerType": "Recurrence", "frequency": frequency, "interval": interval, "timeZone": timeZone]
            var pattern: [String: Any] = [:]
            if !hours.isEmpty { pattern["hours"] = hours }
            if !minutes.isEmpty { pattern["minutes"] = minutes }
            if !weekDays.isEmpty { pattern["weekDays"] = weekDays }
            if !monthDays.isEmpty { pattern["monthDays"] = monthDays }
            if !pattern.isEmpty { trigger["schedule"] = pattern }
            if let start { trigger["startTime"] = Self.sdkTime(start) }
            if let end { trigger["endTime"] = Self.sdkTime(end) }
        }
        var tags = schedule.tags
        tags[Self.hashTag] = schedule.hash.hex
        var properties: [String: Any] = [
            "action": action, "trigger": trigger, "tags": tags, "properties": [String: Any](),
        ]
        // Enabled is the service's default; the SDK sends the flag only to disable.
        if !enabled { properties["isEnabled"] = false }
        if let displayName = schedule.displayName { properties["displayName"] = displayName }
        if let description = schedule.description { properties["description"] = description }
        requests.properties = properties
        return requests
    }

    /// `2022-07-10T10:00:00` -> `2022-07-10 10:00:00`, as the SDK sends it.
    static func sdkTime(_ text: String) -> String {
        text.count == 19 && text.dropFirst(10).first == "T" ? text.replacingOccurrences(of: "T", with: " ") : text
    }
}
