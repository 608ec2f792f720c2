/// Reads command and pipeline job files into ``Job`` values.
enum JobLoader {
    /// The job's logical name: the YAML `name`, else its path below the loaded folder without the
    /// extension, with `/` and other characters outside `[A-Za-z0-9_-]` turned into `-`.
    static func logicalName(_ root: YAMLNode, file: String, base: String) -> String {
        if let name = root["name"]?.string, !name.isEmpty { return name }
        var relative = RepositoryPath.relative(file, to: base)
        for suffix in [".yaml", ".yml"] where relative.lowercased().hasSuffix(suffix) {
            relative.removeLast(suffix.count)
            break
        }
        return String(relative.map { character -> Character in
            guard character.isASCII, character.isLetter || character.isNumber || character == "_" || character == "-" else { return "-" }
            return character
        })
    }

    static func load(
        _ root: YAMLNode, kind: ManifestKind, reader: inout FieldReader, session: inout LoadSession, index: RepositoryIndex
    ) -> Job? {
        var dependencies = JobDependencies()
        // The SDK picks the job class by the exact `type` text before any case folding.
        if let typeNode = root["type"], let text = typeNode.text, text != "command", text != "pipeline" {
            reader.error(typeNode, "type", "Unsupported job type: \(text).", fix: "write `type: \(text.lowercased())` in lowercase")
            return nil
        }
        let spec: JobSpec?
        switch kind {
        case .pipelineJob:
            spec = PipelineLoader.read(root, reader: &reader, session: &session, dependencies: &dependencies, index: index).map(JobSpec.pipeline)
        default:
            reader.checkKeys(root, "", allowed: ManifestVocabulary.commandJob, kind: "a command job")
            _ = reader.enumeration(root["type"], "type", ["command"])
            _ = reader.string(root["parent_job_name"], "parent_job_name")
            spec = CommandLoader.read(root, field: "", owner: .job, reader: &reader, session: &session,
                                      dependencies: &dependencies, index: index).map(JobSpec.command)
        }
        _ = reader.string(root["name"], "name")
        let displayName = reader.string(root["display_name"], "display_name")
        let experiment = reader.string(root["experiment_name"], "experiment_name")
        let description = reader.string(root["description"], "description")
        let tags = reader.stringMap(root["tags"], "tags")
        _ = reader.stringMap(root["properties"], "properties")
        guard let spec else { return nil }
        return Job(
            name: logicalName(root, file: reader.file, base: session.base), displayName: displayName, experimentName: experiment,
            description: description, tags: tags, spec: spec, hash: JobHasher.hash(root, reader: reader),
            environmentDependencies: dependencies.environments.sorted(), clusterDependencies: dependencies.clusters.sorted(),
            source: reader.location(root))
    }
}
