/// What jobs can refer to in the same repository: environments by name and clusters by name.
/// Kept with a ``LoadRecord`` so that reloading a few jobs resolves their references as a
/// load of the whole repository would.
public struct RepositoryIndex: Sendable, Hashable, Codable {
    /// The first declared version of each environment, by name.
    public var environments: [String: IndexedEnvironment] = [:]
    /// Environments by the file that declares them (for `environment: file:./env.yml`).
    public var environmentFiles: [String: IndexedEnvironment] = [:]
    public var clusterNames: Set<String> = []

    public init() {}
}

/// What a reference to an environment of the repository resolves to.
public struct IndexedEnvironment: Sendable, Hashable, Codable {
    public var name: String
    public var version: String?
    public var hash: EnvironmentHash

    public init(name: String, version: String?, hash: EnvironmentHash) {
        self.name = name
        self.version = version
        self.hash = hash
    }

    init(_ environment: Environment) {
        name = environment.name
        version = environment.version
        hash = environment.hash
    }
}

/// The repository resources one job uses, gathered while its steps are read.
struct JobDependencies {
    var environments: Set<String> = []
    var clusters: Set<String> = []
}

/// Reads the references a command or a step makes: compute, code and environment.
enum ReferenceReader {
    /// `azureml:cpu-cluster`, a bare name, an ARM id, `local` or `serverless`.
    static func compute(_ text: String) -> ComputeTarget {
        var name = text
        if name.lowercased().hasPrefix("azureml:") { name = String(name.dropFirst("azureml:".count)) }
        if name.hasPrefix("/") { name = RepositoryPath.name(of: name) }
        switch name.lowercased() {
        case "local": return .local
        case "serverless": return .serverless
        default: return .cluster(name)
        }
    }

    static func compute(
        _ node: YAMLNode?, field: String, reader: inout FieldReader, dependencies: inout JobDependencies, index: RepositoryIndex
    ) -> ComputeTarget {
        guard let node, let text = reader.string(node, field) else { return .unspecified }
        let target = compute(text)
        if case .cluster(let name) = target, index.clusterNames.contains(name) { dependencies.clusters.insert(name) }
        return target
    }

    /// `code:`: a committed folder or file (which must exist inside the repository) or a remote reference.
    static func code(_ node: YAMLNode?, field: String, reader: inout FieldReader, session: inout LoadSession) -> CodeReference? {
        guard let node, let reference = reader.string(node, field) else { return nil }
        if RepositoryPath.isRemote(reference) { return .remote(reference) }
        let local = reference.hasPrefix("file:") ? String(reference.dropFirst(5)) : reference
        switch RepositoryPath.resolve(local, from: RepositoryPath.folder(of: reader.file)) {
        case .outside:
            reader.error(node, field, "code path `\(reference)` is outside the repository",
                         fix: "keep the code inside the repository and reference it relative to this file")
            return nil
        case .inside(let path):
            guard session.isFile(path) || session.isDirectory(path) else {
                reader.error(node, field,
                             "Can't find directory or file in resolved absolute path: code `\(reference)` (resolved to `\(path)`) is not in the commit",
                             fix: "commit the code folder or fix the path (it is relative to this file)")
                return nil
            }
            let digest = session.digest(of: path)
            reader.resolved[field] = .object([("content", .string(digest))])
            return .repository(path: path, digest: digest)
        }
    }

    /// `environment:`: a reference (`azureml:name:version`, `azureml:name@latest`, a registry
    /// path, `file:./env.yml`) or an inline definition.
    static func environment(
        _ node: YAMLNode?, field: String, reader: inout FieldReader, session: inout LoadSession,
        dependencies: inout JobDependencies, index: RepositoryIndex
    ) -> EnvironmentReference? {
        guard let node else { return nil }
        if node.entries != nil {
            guard let environment = EnvironmentLoader.loadInline(node, field: field, reader: &reader, session: &session) else { return nil }
            reader.resolved[field] = .object([("environment", .string(environment.hash.hex))])
            return .inline(environment)
        }
        guard let text = reader.string(node, field) else { return nil }
        if text.hasPrefix("file:") {
            let reference = String(text.dropFirst(5))
            switch RepositoryPath.resolve(reference, from: RepositoryPath.folder(of: reader.file)) {
            case .outside:
                reader.error(node, field, "environment file `\(reference)` is outside the repository", fix: "keep it in the repository")
            case .inside(let path):
                if let environment = index.environmentFiles[path] {
                    dependencies.environments.insert(environment.name)
                    reader.resolved[field] = .object([("environment", .string(environment.hash.hex))])
                    return .named(name: environment.name, version: environment.version)
                }
                guard session.isFile(path) else {
                    reader.error(node, field, "No such file or directory: environment file `\(reference)` (resolved to `\(path)`) is not in the commit",
                                 fix: "commit the environment file or fix the path")
                    return nil
                }
            }
            return .external(text)
        }
        let lower = text.lowercased()
        guard lower.hasPrefix("azureml:") else {
            reader.error(node, field, "environment `\(text)` must be an `azureml:` reference or an inline definition",
                         fix: "write `azureml:\(text)` (name:version or name@latest), or define the environment inline")
            return nil
        }
        let body = String(text.dropFirst("azureml:".count))
        if body.hasPrefix("/") { return .external(text) }  // azureml://registries/... or an ARM id
        var name = body, version: String?
        if let at = body.lastIndex(of: "@") {
            name = String(body[..<at])
        } else if let colon = body.lastIndex(of: ":") {
            name = String(body[..<colon])
            version = String(body[body.index(after: colon)...])
        }
        if let environment = index.environments[name], version == nil || version == environment.version {
            dependencies.environments.insert(name)
            reader.resolved[field] = .object([("environment", .string(environment.hash.hex))])
        }
        return .named(name: name, version: version)
    }
}
