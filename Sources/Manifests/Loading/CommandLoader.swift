/// Reads a command: a standalone command job's body or an inline command step.
enum CommandLoader {
    static func read(
        _ node: YAMLNode, field: String, owner: PortsReader.Owner, reader: inout FieldReader, session: inout LoadSession,
        dependencies: inout JobDependencies, index: RepositoryIndex, isComponent: Bool = false
    ) -> CommandTask? {
        let f = { (key: String) in FieldPath.join(field, key) }
        let command = reader.requiredString(node, "command", f("command"), fix: "add the shell command to run, e.g. `command: python train.py`")
        let code = ReferenceReader.code(node["code"], field: f("code"), reader: &reader, session: &session)
        var environment: EnvironmentReference?
        if let envNode = node["environment"] {
            environment = ReferenceReader.environment(
                envNode, field: f("environment"), reader: &reader, session: &session, dependencies: &dependencies, index: index)
        } else {
            reader.error(node, f("environment"), "missing required field `environment`",
                         fix: "add `environment: azureml:<name>:<version>` or an inline environment")
        }
        let compute = ReferenceReader.compute(node["compute"], field: f("compute"), reader: &reader, dependencies: &dependencies, index: index)
        // A component declares ports (`type`, `default`, `optional`) instead of giving values.
        let inputs = isComponent ? [:] : PortsReader.inputs(node["inputs"], field: f("inputs"), owner: owner, reader: &reader, session: &session)
        let outputs = isComponent ? [:] : PortsReader.outputs(node["outputs"], field: f("outputs"), owner: owner, reader: &reader)
        let variables = environmentVariables(node["environment_variables"], field: f("environment_variables"), reader: &reader)
        let resources = JobSettingsReader.resources(node["resources"], field: f("resources"), reader: &reader, strictKeys: !isComponent)
        let timeout = JobSettingsReader.limits(node["limits"], field: f("limits"), reader: &reader)
        let tier = JobSettingsReader.queueSettings(node["queue_settings"], field: f("queue_settings"), reader: &reader)
        let distribution = JobSettingsReader.distribution(node["distribution"], field: f("distribution"), reader: &reader)
        JobSettingsReader.identity(node["identity"], field: f("identity"), reader: &reader)
        JobSettingsReader.services(node["services"], field: f("services"), reader: &reader)

        if let command, let commandNode = node["command"], !isComponent {
            checkPortBindings(in: command, node: commandNode, field: f("command"), inputs: Set(inputs.keys),
                              outputs: Set(outputs.keys), reader: &reader)
        }
        guard let command else { return nil }
        return CommandTask(
            command: command, code: code, environment: environment ?? .external(""), compute: compute, inputs: inputs,
            outputs: outputs, environmentVariables: variables, instanceCount: resources.instanceCount,
            instanceType: resources.instanceType, timeout: timeout, jobTier: tier, distribution: distribution)
    }

    /// Checks that `${{inputs.x}}` and `${{outputs.y}}` in a command or argument string name
    /// ports the job declares (an optional `$[[...]]` block may name an input left out).
    static func checkPortBindings(
        in text: String, node: YAMLNode, field: String, inputs: Set<String>, outputs: Set<String>, reader: inout FieldReader
    ) {
        for binding in BindingExpression.all(in: text) {
            let parts = binding.parts
            guard parts.count >= 2 else { continue }
            let name = String(parts[1])
            if parts[0] == "inputs", !inputs.contains(name), !binding.isOptional {
                reader.error(node, field, "Inputs to job does not contain '\(name)' referenced in \(RepositoryPath.name(of: field.replacingDots))",
                             fix: "declare `\(name)` under `inputs:` or fix the binding `${{\(binding.expression)}}`")
            } else if parts[0] == "outputs", !outputs.contains(name) {
                reader.error(node, field, "Outputs of job do not contain '\(name)' referenced in \(RepositoryPath.name(of: field.replacingDots))",
                             fix: "declare `\(name)` under `outputs:` or fix the binding `${{\(binding.expression)}}`")
            }
        }
    }

    static func environmentVariables(_ node: YAMLNode?, field: String, reader: inout FieldReader) -> [String: String] {
        guard let node, !node.isNull else { return [:] }
        if let text = node.string, BindingExpression.whole(text) != nil { return [:] }
        guard let map = reader.mapping(node, field) else { return [:] }
        var result: [String: String] = [:]
        for entry in map.entries ?? [] {
            if entry.value.entries != nil || entry.value.items != nil {
                reader.error(entry.value, FieldPath.join(field, entry.key), "an environment variable must be a single value",
                             fix: "write `\(entry.key): \"value\"`")
            } else {
                result[entry.key] = entry.value.text ?? ""
            }
        }
        return result
    }
}

/// Reads the nested settings of commands and steps (`resources`, `limits`, `distribution`, ...).
enum JobSettingsReader {
    struct Resources {
        var instanceCount: Int?
        var instanceType: String?
    }

    static func resources(_ node: YAMLNode?, field: String, reader: inout FieldReader, strictKeys: Bool = true) -> Resources {
        guard let node, !node.isNull, !isBinding(node), let map = reader.mapping(node, field) else { return Resources() }
        if strictKeys { reader.checkKeys(map, field, allowed: ManifestVocabulary.resources, kind: "resources") }
        var result = Resources()
        result.instanceCount = bindingOr(map["instance_count"]) { reader.int($0, field + ".instance_count") }
        result.instanceType = bindingOr(map["instance_type"]) { reader.string($0, field + ".instance_type") }
        _ = bindingOr(map["max_instance_count"]) { reader.int($0, field + ".max_instance_count") }
        _ = bindingOr(map["shm_size"]) { reader.string($0, field + ".shm_size") }
        if let locations = map["locations"], locations.items == nil {
            reader.error(locations, field + ".locations", "locations must be a list of regions", fix: "write `locations: [westeurope]`")
        }
        if let args = map["docker_args"], args.items == nil, args.string == nil {
            reader.error(args, field + ".docker_args", "docker_args must be a string or a list of strings", fix: "quote the arguments")
        }
        if let properties = map["properties"] { _ = reader.mapping(properties, field + ".properties") }
        if let count = result.instanceCount, count < 1, let countNode = map["instance_count"] {
            reader.error(countNode, field + ".instance_count", "instance_count must be at least 1 (found \(count))", fix: "use 1 or more")
        }
        return result
    }

    static func limits(_ node: YAMLNode?, field: String, reader: inout FieldReader) -> Int? {
        guard let node, !node.isNull, let map = reader.mapping(node, field) else { return nil }
        reader.checkKeys(map, field, allowed: ManifestVocabulary.limits, kind: "limits")
        return bindingOr(map["timeout"]) { reader.int($0, field + ".timeout") }
    }

    static func queueSettings(_ node: YAMLNode?, field: String, reader: inout FieldReader) -> String? {
        guard let node, !node.isNull, let map = reader.mapping(node, field) else { return nil }
        reader.checkKeys(map, field, allowed: ManifestVocabulary.queueSettings, kind: "queue_settings")
        _ = reader.enumeration(map["priority"], field + ".priority", ManifestVocabulary.priorities)
        guard let tierNode = map["job_tier"], !tierNode.isNull else { return nil }
        return reader.enumeration(tierNode, field + ".job_tier", ManifestVocabulary.jobTiers)
    }

    static func distribution(_ node: YAMLNode?, field: String, reader: inout FieldReader) -> String? {
        guard let node, !node.isNull, !isBinding(node), let map = reader.mapping(node, field) else { return nil }
        guard map["type"] != nil else {
            reader.error(map, field + ".type", "missing required field `type`", fix: "add `type: pytorch` (or tensorflow, mpi, ray)")
            return nil
        }
        guard let type = reader.enumeration(map["type"], field + ".type", ManifestVocabulary.distributionTypes) else { return nil }
        reader.checkKeys(map, field, allowed: ManifestVocabulary.distribution[type] ?? ["type"], kind: "a \(type) distribution")
        for key in ["process_count_per_instance", "parameter_server_count", "worker_count", "port", "dashboard_port"] {
            _ = bindingOr(map[key]) { reader.int($0, FieldPath.join(field, key)) }
        }
        return type
    }

    static func identity(_ node: YAMLNode?, field: String, reader: inout FieldReader) {
        guard let node, !node.isNull, !isBinding(node), let map = reader.mapping(node, field) else { return }
        reader.checkKeys(map, field, allowed: ManifestVocabulary.jobIdentity, kind: "identity")
        guard map["type"] != nil else {
            reader.error(map, field + ".type", "missing required field `type`", fix: "add `type: managed` (or aml_token, user_identity)")
            return
        }
        _ = reader.enumeration(map["type"], field + ".type", ManifestVocabulary.jobIdentityTypes)
    }

    static func services(_ node: YAMLNode?, field: String, reader: inout FieldReader) {
        guard let node, !node.isNull, let map = reader.mapping(node, field) else { return }
        for entry in map.entries ?? [] {
            let serviceField = FieldPath.join(field, entry.key)
            guard !isBinding(entry.value), let service = reader.mapping(entry.value, serviceField) else { continue }
            reader.checkKeys(service, serviceField, allowed: ManifestVocabulary.service, kind: "a job service")
            _ = reader.int(service["port"], serviceField + ".port")
        }
    }

    static func isBinding(_ node: YAMLNode) -> Bool {
        guard let text = node.string else { return false }
        return BindingExpression.whole(text) != nil
    }

    /// Reads a typed value unless it is a `${{...}}` binding (steps may bind any setting).
    static func bindingOr<T>(_ node: YAMLNode?, _ read: (YAMLNode) -> T?) -> T? {
        guard let node else { return nil }
        if isBinding(node) { return nil }
        return read(node)
    }
}
