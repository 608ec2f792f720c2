/// A component file (or an inline component definition) as a step uses it.
struct ComponentDefinition {
    /// One declared input port.
    struct Port {
        var isOptional: Bool
        var hasDefault: Bool
    }

    /// The file it was read from.
    var file: String
    /// `command`, `parallel`, `pipeline`, `spark`, ...
    var type: String
    var inputs: [String: Port]
    var outputs: Set<String>
    /// The body as a step runs it (command and parallel components).
    var body: PipelineStep.Body?
    /// Steps (as `jobs.a.jobs.b` paths) of a pipeline component that name no compute: the
    /// pipeline that uses it must give a default compute.
    var stepsWithoutCompute: [String] = []
    /// The component's content for job hashing: its canonical JSON with code, environments and
    /// nested components resolved to their digests and hashes.
    var canonical: CanonicalJSON
}

/// Reads component files: referenced from pipeline steps (`component: ./file.yml`), or on their
/// own (`az ml component create` rules, which add the component name rule).
enum ComponentLoader {
    /// Loads the component a step references; problems inside it are located in its own file.
    static func loadReference(
        _ reference: String, node: YAMLNode, field: String, reader: inout FieldReader, session: inout LoadSession,
        dependencies: inout JobDependencies, index: RepositoryIndex, depth: Int
    ) -> ComponentDefinition? {
        let local = reference.hasPrefix("file:") ? String(reference.dropFirst(5)) : reference
        switch RepositoryPath.resolve(local, from: RepositoryPath.folder(of: reader.file)) {
        case .outside:
            reader.error(node, field, "component `\(reference)` is outside the repository",
                         fix: "keep component files inside the repository and reference them relative to this file")
            return nil
        case .inside(let path):
            guard session.isFile(path), session.content(of: path) != nil else {
                reader.error(node, field, "Nested yaml ref field expected a local path but can't find `\(reference)` (resolved to `\(path)`)",
                             fix: "commit the component file or fix the path (it is relative to this file)")
                return nil
            }
            guard depth < 8 else {
                reader.error(node, field, "components nest more than 8 levels deep (a component referencing itself?)",
                             fix: "break the reference cycle")
                return nil
            }
            var componentReader = FieldReader(file: path)
            let definition = loadFile(path, reader: &componentReader, session: &session, dependencies: &dependencies,
                                      index: index, standalone: false, depth: depth + 1)
            session.record(componentReader)
            if let definition { reader.resolved[field] = definition.canonical }
            return definition
        }
    }

    /// Reads the component file at `path` with `reader` (bound to that file).
    static func loadFile(
        _ path: String, reader: inout FieldReader, session: inout LoadSession, dependencies: inout JobDependencies,
        index: RepositoryIndex, standalone: Bool, depth: Int
    ) -> ComponentDefinition? {
        guard let outcome = session.document(path) else { return nil }
        switch outcome {
        case .syntaxError(let message, let line, let column):
            reader.error(.marker(line: line, column: column), nil, "invalid YAML: \(message)", fix: "fix the YAML syntax")
            return nil
        case .parsed(let root):
            guard let root, root.entries != nil else {
                reader.error(root, nil, "a component file must be a mapping", fix: "write the component's fields as `key: value` lines")
                return nil
            }
            return read(root, field: "", reader: &reader, session: &session, dependencies: &dependencies, index: index,
                        standalone: standalone, depth: depth)
        }
    }

    /// Reads a component body (a file's root, or an inline `component:` mapping at `field`).
    static func read(
        _ root: YAMLNode, field: String, reader: inout FieldReader, session: inout LoadSession,
        dependencies: inout JobDependencies, index: RepositoryIndex, standalone: Bool, depth: Int
    ) -> ComponentDefinition? {
        let f = { (key: String) in FieldPath.join(field, key) }
        var type = root["type"]?.text?.lowercased() ?? ""
        if type.isEmpty, let schema = root["$schema"]?.text {
            let key = ManifestClassifier.schemaKey(schema)
            if key.hasSuffix("component") { type = String(key.dropLast("component".count)) }
        }
        if type.isEmpty { type = "command" }
        if standalone {
            if let name = reader.requiredString(root, "name", f("name"), fix: "add `name: <component_name>`"), let nameNode = root["name"],
               !isValidComponentName(name) {
                reader.error(nameNode, f("name"),
                             "Component name should only contain lower letter, number, underscore and start with a lower letter. Currently got \(name).",
                             fix: "rename it, e.g. `\(suggestedName(name))`")
            }
        } else {
            _ = reader.string(root["name"], f("name"))
        }
        _ = reader.string(root["display_name"], f("display_name"))
        _ = reader.string(root["description"], f("description"))

        var inputs: [String: ComponentDefinition.Port] = [:]
        if let inputsNode = root["inputs"], !inputsNode.isNull, let map = reader.mapping(inputsNode, f("inputs")) {
            for entry in map.entries ?? [] {
                if let port = readPort(entry.value, field: FieldPath.join(f("inputs"), entry.key), isOutput: false, reader: &reader) {
                    inputs[entry.key] = port
                }
            }
        }
        var outputs: Set<String> = []
        if let outputsNode = root["outputs"], !outputsNode.isNull, let map = reader.mapping(outputsNode, f("outputs")) {
            outputs = Set((map.entries ?? []).map(\.key))
            for entry in map.entries ?? [] {
                _ = readPort(entry.value, field: FieldPath.join(f("outputs"), entry.key), isOutput: true, reader: &reader)
            }
        }
        var body: PipelineStep.Body?
        var stepsWithoutCompute: [String] = []
        switch type {
        case "command":
            let task = CommandLoader.read(root, field: field, owner: .step, reader: &reader, session: &session,
                                          dependencies: &dependencies, index: index, isComponent: true)
            if let command = task?.command, let commandNode = root["command"] {
                checkComponentBindings(command, node: commandNode, field: f("command"), inputs: Set(inputs.keys),
                                       outputs: outputs, standalone: standalone, reader: &reader)
            }
            body = task.map(PipelineStep.Body.command)
        case "parallel":
            let task = ParallelStepLoader.read(
                root, field: field, inputs: [:], outputs: [:], inputNames: Set(inputs.keys), outputNames: outputs,
                strictKeys: false, reader: &reader, session: &session, dependencies: &dependencies, index: index)
            body = task.map(PipelineStep.Body.parallel)
        case "pipeline":
            _ = PipelineLoader.readSteps(
                root["jobs"], field: f("jobs"), parentInputs: Set(inputs.keys), parentOutputs: outputs,
                reader: &reader, session: &session, dependencies: &dependencies, index: index, depth: depth)
            stepsWithoutCompute = PipelineLoader.stepsWithoutCompute(root["jobs"], session: &session, file: reader.file)
        default:
            _ = ReferenceReader.code(root["code"], field: f("code"), reader: &reader, session: &session)
            if let envNode = root["environment"] {
                _ = ReferenceReader.environment(envNode, field: f("environment"), reader: &reader, session: &session,
                                                dependencies: &dependencies, index: index)
            }
        }
        return ComponentDefinition(
            file: reader.file, type: type, inputs: inputs, outputs: outputs, body: body,
            stepsWithoutCompute: stepsWithoutCompute, canonical: reader.canonical(root, at: field))
    }

    /// A declared port: a parameter (`boolean`, `integer`, `number`, `string`) or a data port
    /// (`uri_folder`, `mltable`, ...); types and modes are case-sensitive here.
    private static func readPort(_ node: YAMLNode, field: String, isOutput: Bool, reader: inout FieldReader) -> ComponentDefinition.Port? {
        guard let port = reader.mapping(node, field) else { return nil }
        guard port["type"] != nil else {
            reader.error(port, field + ".type", "missing required field `type`", fix: "add `type: uri_folder` (or string, integer, ...)")
            return nil
        }
        guard let type = reader.enumeration(port["type"], field + ".type",
                                            ManifestVocabulary.parameterTypes + ManifestVocabulary.portTypes, caseSensitive: true)
        else { return nil }
        let isParameter = ManifestVocabulary.parameterTypes.contains(type)
        if isOutput {
            // Parameter outputs pass unknown keys through (the SDK's `PrimitiveOutputSchema`).
            if !isParameter { reader.checkKeys(port, field, allowed: ManifestVocabulary.portOutput, kind: "an output port") }
        } else {
            reader.checkKeys(port, field, allowed: isParameter ? ManifestVocabulary.parameterInput : ManifestVocabulary.portInput,
                             kind: isParameter ? "a parameter input" : "an input port")
        }
        _ = reader.string(port["description"], field + ".description")
        if port["mode"] != nil, !(isParameter && !isOutput) {
            _ = reader.enumeration(port["mode"], field + ".mode", ManifestVocabulary.portModes, caseSensitive: true)
        }
        let optional = isOutput ? nil : reader.bool(port["optional"], field + ".optional")
        if !isOutput, !isParameter, let value = port["default"], !value.isNull { _ = reader.string(value, field + ".default") }
        return ComponentDefinition.Port(isOptional: optional ?? false, hasDefault: port["default"].map { !$0.isNull } ?? false)
    }

    /// `${{inputs.x}}` in a component's command must name a declared input; standalone, the SDK
    /// says "Invalid data binding expression".
    private static func checkComponentBindings(
        _ command: String, node: YAMLNode, field: String, inputs: Set<String>, outputs: Set<String>, standalone: Bool,
        reader: inout FieldReader
    ) {
        for binding in BindingExpression.all(in: command) {
            let parts = binding.parts
            guard parts.count >= 2, parts[0] == "inputs" || parts[0] == "outputs" else { continue }
            let name = String(parts[1])
            let declared = parts[0] == "inputs" ? inputs : outputs
            if !declared.contains(name) {
                reader.error(node, field, "Invalid data binding expression: \(binding.expression) (the component declares no \(parts[0]) `\(name)`)",
                             fix: "declare `\(name)` under the component's `\(parts[0]):` or fix the binding")
            }
        }
    }

    /// `^[a-z][a-z0-9_]*$`, the SDK's component name rule.
    static func isValidComponentName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
        return name.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || YAMLScalarResolver.isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    static func suggestedName(_ name: String) -> String {
        var result = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        if let first = result.first, !first.isLetter { result = "c_" + result }
        return result
    }
}
