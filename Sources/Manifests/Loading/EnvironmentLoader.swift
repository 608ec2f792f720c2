/// Reads environments: environment files, and environments written inline in jobs.
enum EnvironmentLoader {
    /// Reads an environment file.
    static func loadFile(_ root: YAMLNode, reader: inout FieldReader, session: inout LoadSession) -> Environment? {
        reader.checkKeys(root, "", allowed: ManifestVocabulary.environment.union(["channels", "dependencies"]),
                         kind: "an environment")
        for key in ["channels", "dependencies"] {
            if let entry = root.entry(key) {
                reader.error(at: entry, key, "`\(key)` belongs in the conda file, not in the environment",
                             fix: "move it to a conda file and point `conda_file:` at it")
            }
        }
        let name = reader.requiredString(root, "name", "name", fix: "add `name: <environment-name>`")
        if let name, let node = root["name"] {
            let lower = name.lowercased()
            if lower.hasPrefix("azureml-") || lower.hasPrefix("microsoft") {
                reader.error(node, "name", "environment name `\(name)` is reserved for curated environments (prefix `AzureML-` or `Microsoft`)",
                             fix: "choose a name that does not start with `AzureML-` or `Microsoft`")
            }
        }
        guard let (definition, meta) = definition(root, field: "", reader: &reader, session: &session), let name else {
            return nil
        }
        return Environment(
            name: name, version: meta.version, definition: definition, hash: EnvironmentHasher.hash(definition),
            description: meta.description, tags: meta.tags, source: reader.location(root))
    }

    /// Reads an environment written inline (`environment:` as a mapping) in a job or component.
    static func loadInline(_ node: YAMLNode, field: String, reader: inout FieldReader, session: inout LoadSession) -> Environment? {
        reader.checkKeys(node, field, allowed: ManifestVocabulary.inlineEnvironment, kind: "an inline environment")
        _ = reader.string(node["name"], FieldPath.join(field, "name"))
        guard let (definition, meta) = definition(node, field: field, reader: &reader, session: &session) else { return nil }
        let hash = EnvironmentHasher.hash(definition)
        return Environment(
            name: node["name"]?.text ?? "CliV2AnonymousEnvironment", version: meta.version ?? hash.hex, definition: definition,
            hash: hash, description: meta.description, tags: meta.tags, source: reader.location(node))
    }

    struct Metadata {
        var version: String?
        var description: String?
        var tags: [String: String]
    }

    /// The definition fields shared by files and inline environments.
    static func definition(
        _ node: YAMLNode, field: String, reader: inout FieldReader, session: inout LoadSession
    ) -> (EnvironmentDefinition, Metadata)? {
        let folder = RepositoryPath.folder(of: reader.file)
        var meta = Metadata(tags: [:])
        if let version = node["version"] {
            if let scalar = version.scalar, [.string, .int, .float].contains(scalar.kind) {
                meta.version = scalar.text
            } else {
                reader.error(version, FieldPath.join(field, "version"), "version must be a string or a number (found \(version.typeName))",
                             fix: "write `version: \"1\"`")
            }
        }
        meta.description = reader.string(node["description"], FieldPath.join(field, "description"))
        meta.tags = reader.stringMap(node["tags"], FieldPath.join(field, "tags"), valuesMustBeStrings: false)
        _ = reader.enumeration(node["os_type"], FieldPath.join(field, "os_type"), ["linux", "windows"])
        let osType = node["os_type"]?.text?.lowercased()
        _ = reader.string(node["datastore"], FieldPath.join(field, "datastore"))
        _ = reader.string(node["id"], FieldPath.join(field, "id"))
        readInferenceConfig(node["inference_config"], field: FieldPath.join(field, "inference_config"), reader: &reader)

        let image = reader.string(node["image"], FieldPath.join(field, "image"))
        if let image, let imageNode = node["image"] { checkImageTag(image, node: imageNode, field: FieldPath.join(field, "image"), reader: &reader) }
        var build: BuildContext?
        if let buildNode = reader.mapping(node["build"], FieldPath.join(field, "build")) {
            build = readBuild(buildNode, field: FieldPath.join(field, "build"), folder: folder, reader: &reader, session: &session)
        }
        let fieldName = field.isEmpty ? "environment" : field
        if node["image"] != nil, node["build"] != nil {
            reader.error(node["build"], FieldPath.join(field, "build"), "Docker image or Dockerfile should be provided not both",
                         fix: "keep either `image:` or `build:` in \(fieldName)")
        } else if node["image"] == nil, node["build"] == nil {
            reader.error(node, field.isEmpty ? nil : field, "Docker image or Dockerfile is required for environments",
                         fix: "add `image: <registry/image:tag>` or a `build:` context")
        }

        var conda: CondaSpecification?
        if let condaNode = node["conda_file"] {
            let condaField = FieldPath.join(field, "conda_file")
            if let reference = condaNode.string {
                switch RepositoryPath.resolve(reference, from: folder) {
                case .outside:
                    reader.error(condaNode, condaField, "conda_file `\(reference)` is outside the repository",
                                 fix: "commit the conda file inside the repository and reference it relative to this file")
                case .inside(let path):
                    if session.isFile(path) {
                        if session.content(of: path) == nil {
                            reader.error(condaNode, condaField, "conda_file `\(reference)` is not a YAML file",
                                         fix: "name the conda file `*.yml` or `*.yaml`")
                        } else {
                            conda = CondaLoader.load(file: path, session: &session)
                        }
                    } else {
                        reader.error(condaNode, condaField, "No such file or directory: conda_file `\(reference)` (resolved to `\(path)`) is not in the commit",
                                     fix: "commit the conda file or fix the path (it is relative to this file)")
                    }
                }
            } else if condaNode.entries != nil {
                conda = CondaLoader.read(condaNode, file: nil, reader: &reader, field: condaField)
            } else {
                reader.error(condaNode, condaField, "conda_file must be a path or a mapping (found \(condaNode.typeName))",
                             fix: "write `conda_file: ./conda.yml`")
            }
        }
        return (EnvironmentDefinition(image: image, build: build, conda: conda, osType: osType), meta)
    }

    private static func readBuild(
        _ node: YAMLNode, field: String, folder: String, reader: inout FieldReader, session: inout LoadSession
    ) -> BuildContext? {
        reader.checkKeys(node, field, allowed: ManifestVocabulary.build, kind: "build")
        let dockerfile = reader.string(node["dockerfile_path"], field + ".dockerfile_path")
        guard let pathNode = node["path"], let reference = reader.string(pathNode, field + ".path") else {
            if node["path"] == nil {
                reader.error(node, field + ".path", "missing required field `path` (the Docker build context)",
                             fix: "add `path: ./docker-context`")
            }
            return nil
        }
        if RepositoryPath.isRemote(reference) {
            return BuildContext(path: reference, dockerfilePath: dockerfile ?? "Dockerfile", contentDigest: "")
        }
        switch RepositoryPath.resolve(reference, from: folder) {
        case .outside:
            reader.error(pathNode, field + ".path", "build context `\(reference)` is outside the repository",
                         fix: "keep the Docker build context inside the repository")
            return nil
        case .inside(let path):
            guard session.isDirectory(path) else {
                reader.error(pathNode, field + ".path",
                             "Can't find directory or file in resolved absolute path: build context `\(reference)` (resolved to `\(path)`) is not a folder of the commit",
                             fix: "commit the build context folder or fix the path (it is relative to this file)")
                return nil
            }
            let dockerfilePath = dockerfile ?? "Dockerfile"
            if case .inside(let dockerfileFull) = RepositoryPath.resolve(dockerfilePath, from: path),
               !session.isFile(dockerfileFull) {
                reader.error(node["dockerfile_path"] ?? pathNode, field + ".dockerfile_path",
                             "the build context `\(reference)` has no `\(dockerfilePath)`",
                             fix: "commit the Dockerfile in the context or set `dockerfile_path`")
            }
            return BuildContext(path: path, dockerfilePath: dockerfilePath, contentDigest: session.digest(of: path))
        }
    }

    private static func readInferenceConfig(_ node: YAMLNode?, field: String, reader: inout FieldReader) {
        guard let config = reader.mapping(node, field) else { return }
        reader.checkKeys(config, field, allowed: ManifestVocabulary.inferenceConfig, kind: "inference_config")
        for key in ManifestVocabulary.inferenceConfig.sorted() {
            let routeField = field + "." + key
            guard let route = config[key] else {
                reader.error(config, routeField, "missing required field `\(key)`", fix: "give `\(key)` a `port` and a `path`")
                continue
            }
            guard let mapping = reader.mapping(route, routeField) else { continue }
            reader.checkKeys(mapping, routeField, allowed: ManifestVocabulary.route, kind: key)
            if mapping["port"] == nil { reader.error(mapping, routeField + ".port", "missing required field `port`", fix: "add `port: 5001`") }
            if mapping["path"] == nil { reader.error(mapping, routeField + ".path", "missing required field `path`", fix: "add `path: /score`") }
            _ = reader.int(mapping["port"], routeField + ".port")
            _ = reader.string(mapping["path"], routeField + ".path")
        }
    }

    /// Warns about images that can move underneath: tagged `latest` or not tagged at all.
    static func checkImageTag(_ image: String, node: YAMLNode, field: String, reader: inout FieldReader) {
        if image.containsBytes("@sha256:") { return }
        let lastComponent = RepositoryPath.name(of: image)
        if let colon = lastComponent.lastIndex(of: ":") {
            let tag = lastComponent[lastComponent.index(after: colon)...]
            if tag.lowercased() == "latest" {
                reader.warning(node, field, "image `\(image)` is tagged `latest`: it can change underneath and force an unplanned rebuild",
                               fix: "pin a dated tag or a digest (`image@sha256:...`)")
            }
        } else {
            reader.warning(node, field, "image `\(image)` has no tag, which means `latest`: it can change underneath",
                           fix: "pin a dated tag or a digest (`image@sha256:...`)")
        }
    }
}
