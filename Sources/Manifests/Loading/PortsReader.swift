import Foundation

/// Reads the `inputs:` and `outputs:` of jobs and steps (not of components: those declare ports).
enum PortsReader {
    /// Where the inputs are written: the rules differ a little.
    enum Owner {
        /// A standalone command job or a pipeline's own inputs.
        case job
        /// A pipeline step: values may bind `${{parent...}}`.
        case step
    }

    static func inputs(
        _ node: YAMLNode?, field: String, owner: Owner, reader: inout FieldReader, session: inout LoadSession
    ) -> [String: JobInput] {
        guard let node, !node.isNull, let map = reader.mapping(node, field) else { return [:] }
        var result: [String: JobInput] = [:]
        for entry in map.entries ?? [] {
            let inputField = FieldPath.join(field, entry.key)
            if let input = input(entry.value, field: inputField, owner: owner, reader: &reader, session: &session) {
                result[entry.key] = input
            }
        }
        return result
    }

    static func input(
        _ value: YAMLNode, field: String, owner: Owner, reader: inout FieldReader, session: inout LoadSession
    ) -> JobInput? {
        if let scalar = value.scalar {
            if scalar.kind == .null {
                reader.error(value, field, "may not be null", fix: "give the input a value, or remove it")
                return nil
            }
            if scalar.kind == .string, let binding = BindingExpression.whole(scalar.text), binding.expression.hasPrefix("parent.") {
                return .binding(scalar.text.trimmingSpaces)
            }
            if scalar.kind == .timestamp {
                reader.error(value, field, "a date is not a valid input value", fix: "quote it to pass it as a string")
                return nil
            }
            return .literal(scalar.text)
        }
        guard let map = value.entries.map({ _ in value }) else {
            reader.error(value, field, "an input must be a value or a mapping with `type` and `path` (found \(value.typeName))",
                         fix: "write `\(RepositoryPath.name(of: field.replacingDots)): {type: uri_folder, path: ...}`")
            return nil
        }
        if map.has("value"), map.entries?.count == 1 {
            return .literal(map["value"]?.text ?? "")
        }
        reader.checkKeys(map, field, allowed: ManifestVocabulary.dataInput, kind: "a data input")
        let type = reader.enumeration(map["type"], field + ".type", ManifestVocabulary.dataInputTypes) ?? "uri_folder"
        var mode: String?
        if let modeNode = map["mode"] {
            mode = reader.enumeration(modeNode, field + ".mode", ManifestVocabulary.inputModes[type] ?? [])
        }
        _ = reader.string(map["datastore"], field + ".datastore")
        _ = reader.string(map["path_on_compute"], field + ".path_on_compute")
        guard let pathNode = map["path"], !pathNode.isNull else {
            reader.error(map, field + ".path", "Input path can't be empty for jobs.",
                         fix: "give the input a `path:` (a local path, an `azureml:` asset or a URI), or remove it")
            return .data(type: type, path: nil, mode: mode)
        }
        guard let reference = reader.string(pathNode, field + ".path") else { return .data(type: type, path: nil, mode: mode) }
        return .data(type: type, path: dataPath(reference, node: pathNode, field: field + ".path", reader: &reader, session: &session), mode: mode)
    }

    /// A data path: a binding, a remote reference, or a committed file or folder (which must exist).
    static func dataPath(
        _ reference: String, node: YAMLNode, field: String, reader: inout FieldReader, session: inout LoadSession
    ) -> DataPath? {
        if BindingExpression.whole(reference) != nil { return .binding(reference.trimmingSpaces) }
        // The SDK's own test: anything with a scheme, `:` or `@` is an asset or URI, not a local path.
        if reference.containsBytes(":") || reference.contains("@") || reference.containsBytes("${{") {
            return .remote(reference)
        }
        switch RepositoryPath.resolve(reference, from: RepositoryPath.folder(of: reader.file)) {
        case .outside:
            reader.error(node, field, "input path `\(reference)` is outside the repository",
                         fix: "commit the data inside the repository, or use a datastore URI or an `azureml:` data asset")
            return nil
        case .inside(let path):
            guard session.isFile(path) || session.isDirectory(path) else {
                reader.error(node, field, "No such file or directory: input path `\(reference)` (resolved to `\(path)`) is not in the commit",
                             fix: "commit the data, or point the input at a datastore URI or an `azureml:` data asset")
                return nil
            }
            let digest = session.digest(of: path)
            reader.resolved[field] = .object([("content", .string(digest))])
            return .repository(path: path, digest: digest)
        }
    }

    static func outputs(_ node: YAMLNode?, field: String, owner: Owner, reader: inout FieldReader) -> [String: JobOutput] {
        guard let node, !node.isNull, let map = reader.mapping(node, field) else { return [:] }
        var result: [String: JobOutput] = [:]
        for entry in map.entries ?? [] {
            let outputField = FieldPath.join(field, entry.key)
            let value = entry.value
            if value.isNull {
                result[entry.key] = JobOutput()
            } else if let text = value.string {
                if owner == .job {
                    reader.error(value, outputField, "an output must be a mapping (`type`, `mode`, `path`)",
                                 fix: "write `\(entry.key): {type: uri_folder}`")
                }
                result[entry.key] = JobOutput(path: BindingExpression.whole(text) != nil ? .binding(text.trimmingSpaces) : .remote(text))
            } else if let output = reader.mapping(value, outputField) {
                reader.checkKeys(output, outputField, allowed: ManifestVocabulary.output, kind: "an output")
                let type = reader.enumeration(output["type"], outputField + ".type", ManifestVocabulary.dataInputTypes)
                let mode = reader.enumeration(output["mode"], outputField + ".mode", ManifestVocabulary.outputModes)
                _ = reader.string(output["name"], outputField + ".name")
                var path: DataPath?
                if let text = reader.string(output["path"], outputField + ".path") {
                    path = BindingExpression.whole(text) != nil ? .binding(text.trimmingSpaces) : .remote(text)
                }
                result[entry.key] = JobOutput(type: type, mode: mode, path: path)
            }
        }
        return result
    }
}

extension String {
    /// The last dotted component (for messages about `inputs.x`).
    var replacingDots: String { replacingOccurrences(of: ".", with: "/") }
}
