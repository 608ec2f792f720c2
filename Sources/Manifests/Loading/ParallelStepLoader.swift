/// Reads a `type: parallel` pipeline step written inline, or the parallel part of a parallel
/// component file.
enum ParallelStepLoader {
    /// Reads the parallel settings of `node`. `inputs`/`outputs` are the step's ports (declared
    /// inline, or the component's); `strictKeys` is false for component files (the SDK passes
    /// unknown keys of component bodies through).
    static func read(
        _ node: YAMLNode, field: String, inputs: [String: JobInput], outputs: [String: JobOutput],
        inputNames: Set<String>, outputNames: Set<String>, strictKeys: Bool,
        reader: inout FieldReader, session: inout LoadSession, dependencies: inout JobDependencies, index: RepositoryIndex
    ) -> ParallelTask? {
        let f = { (key: String) in FieldPath.join(field, key) }
        if strictKeys { reader.checkKeys(node, field, allowed: ManifestVocabulary.parallelStep, kind: "a parallel step") }

        var inputData = ""
        if let dataNode = node["input_data"], let text = reader.string(dataNode, f("input_data")) {
            inputData = text
            CommandLoader.checkPortBindings(in: text, node: dataNode, field: f("input_data"), inputs: inputNames,
                                            outputs: outputNames, reader: &reader)
        }
        var miniBatch: MiniBatchSize?
        if let sizeNode = node["mini_batch_size"], !JobSettingsReader.isBinding(sizeNode),
           let text = reader.string(sizeNode, f("mini_batch_size")) {
            miniBatch = miniBatchSize(text)
            if miniBatch == nil {
                reader.error(sizeNode, f("mini_batch_size"), "Parameter mini_batch_size must follow regex rule ^\\d+([kKmMgG][bB])*$ (found `\(text)`)",
                             fix: "write a file count such as \"10\" or a size such as \"10kb\", \"5mb\"")
            }
        }
        var partitionKeys: [String]?
        if let keysNode = node["partition_keys"] {
            if let items = keysNode.items {
                partitionKeys = items.compactMap { reader.string($0, f("partition_keys")) }
            } else {
                reader.error(keysNode, f("partition_keys"), "partition_keys must be a list of column names", fix: "write `partition_keys: [Store, Brand]`")
            }
        }
        let resources = JobSettingsReader.resources(node["resources"], field: f("resources"), reader: &reader, strictKeys: strictKeys)
        let concurrency = JobSettingsReader.bindingOr(node["max_concurrency_per_instance"]) { reader.int($0, f("max_concurrency_per_instance")) }
        let batchThreshold = JobSettingsReader.bindingOr(node["mini_batch_error_threshold"]) { reader.int($0, f("mini_batch_error_threshold")) } ?? -1
        let itemThreshold = JobSettingsReader.bindingOr(node["error_threshold"]) { reader.int($0, f("error_threshold")) } ?? -1
        if batchThreshold < -1, let thresholdNode = node["mini_batch_error_threshold"] {
            reader.error(thresholdNode, f("mini_batch_error_threshold"), "mini_batch_error_threshold must be -1 (ignore failures) or more",
                         fix: "use -1 or a count of tolerated failed mini-batches")
        }
        var maxRetries = 2, retryTimeout = 60
        if let retryNode = node["retry_settings"], let retry = reader.mapping(retryNode, f("retry_settings")) {
            if let value = JobSettingsReader.bindingOr(retry["max_retries"], { reader.int($0, f("retry_settings.max_retries")) }) {
                maxRetries = value
                if value < 0 { reader.error(retry["max_retries"], f("retry_settings.max_retries"), "max_retries must not be negative", fix: "use 0 or more") }
            }
            if let value = JobSettingsReader.bindingOr(retry["timeout"], { reader.int($0, f("retry_settings.timeout")) }) {
                retryTimeout = value
                if value <= 0 || value > 259_200 {
                    reader.error(retry["timeout"], f("retry_settings.timeout"), "retry_settings.timeout must be in (0, 259200] seconds (found \(value))",
                                 fix: "give the seconds one `run()` call may take, at most 259200 (3 days)")
                }
            }
        }
        let logging = node["logging_level"].flatMap { levelNode in
            JobSettingsReader.isBinding(levelNode)
                ? levelNode.string
                : reader.enumeration(levelNode, f("logging_level"), ["DEBUG", "INFO", "WARNING"], caseSensitive: true)
        } ?? "INFO"
        let variables = CommandLoader.environmentVariables(node["environment_variables"], field: f("environment_variables"), reader: &reader)
        let compute = ReferenceReader.compute(node["compute"], field: f("compute"), reader: &reader, dependencies: &dependencies, index: index)
        JobSettingsReader.identity(node["identity"], field: f("identity"), reader: &reader)

        var code: CodeReference?
        var entryScript = ""
        var environment: EnvironmentReference?
        var programArguments: String?
        var appendRowTo: String?
        if let taskNode = node["task"], let task = reader.mapping(taskNode, f("task")) {
            let t = { (key: String) in f("task." + key) }
            if task["type"] == nil {
                reader.error(task, t("type"), "missing required field `type`", fix: "add `type: run_function`")
            } else {
                _ = reader.enumeration(task["type"], t("type"), ["run_function", "model", "function"])
            }
            code = ReferenceReader.code(task["code"], field: t("code"), reader: &reader, session: &session)
            entryScript = reader.string(task["entry_script"], t("entry_script")) ?? ""
            if let envNode = task["environment"] {
                environment = ReferenceReader.environment(envNode, field: t("environment"), reader: &reader, session: &session,
                                                          dependencies: &dependencies, index: index)
            } else {
                reader.error(task, t("environment"), "missing required field `environment`",
                             fix: "add `environment: azureml:<name>:<version>` or an inline environment under `task`")
            }
            if let argsNode = task["program_arguments"], let text = reader.string(argsNode, t("program_arguments")) {
                programArguments = text
                CommandLoader.checkPortBindings(in: text, node: argsNode, field: t("program_arguments"), inputs: inputNames,
                                                outputs: outputNames, reader: &reader)
            }
            if let appendNode = task["append_row_to"], let text = reader.string(appendNode, t("append_row_to")) {
                appendRowTo = text
                CommandLoader.checkPortBindings(in: text, node: appendNode, field: t("append_row_to"), inputs: inputNames,
                                                outputs: outputNames, reader: &reader)
            }
            _ = reader.string(task["model"], t("model"))
        } else if node["task"] == nil, strictKeys {
            reader.error(node, f("task"), "missing required field `task`",
                         fix: "add a `task:` with `type: run_function`, `code`, `entry_script` and `environment`")
        }
        return ParallelTask(
            inputs: inputs, outputs: outputs, inputData: inputData, miniBatchSize: miniBatch, partitionKeys: partitionKeys,
            instanceCount: resources.instanceCount, instanceType: resources.instanceType,
            maxConcurrencyPerInstance: concurrency, miniBatchErrorThreshold: batchThreshold, errorThreshold: itemThreshold,
            maxRetries: maxRetries, retryTimeout: retryTimeout, loggingLevel: logging, environmentVariables: variables,
            compute: compute, code: code, entryScript: entryScript, environment: environment ?? .external(""),
            programArguments: programArguments, appendRowTo: appendRowTo)
    }

    /// `"10"` (files) or `"10kb"`, `"5mb"`, `"1gb"` (bytes), as `^\d+([kKmMgG][bB])*$` allows.
    static func miniBatchSize(_ text: String) -> MiniBatchSize? {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count, YAMLScalarResolver.isDigit(bytes[index]) { index += 1 }
        guard index > 0, let count = Int(String(decoding: bytes[..<index], as: UTF8.self)) else { return nil }
        var multiplier = 1
        var sawUnit = false
        while index < bytes.count {
            guard index + 1 < bytes.count, bytes[index + 1] | 0x20 == UInt8(ascii: "b") else { return nil }
            switch bytes[index] | 0x20 {
            case UInt8(ascii: "k"): multiplier *= 1024
            case UInt8(ascii: "m"): multiplier *= 1024 * 1024
            case UInt8(ascii: "g"): multiplier *= 1024 * 1024 * 1024
            default: return nil
            }
            sawUnit = true
            index += 2
        }
        return sawUnit ? .bytes(count * multiplier) : .files(count)
    }
}
