public import GitSource

/// Reads every manifest under a folder of a snapshot into a ``DesiredState``, with the Azure ML
/// SDK's validation rules (azure-ai-ml 1.35.2) and mlgitops' own (docs/manifests.md).
public enum ManifestLoader {
    /// Loads every `*.yml`/`*.yaml` file under `path` (repository-relative; `""` or `.` for the
    /// root). Never throws: every problem becomes a ``Diagnostic`` located in the file (or the
    /// referenced file) where it is, sorted by file, line and column.
    ///
    /// With a `cache`, a file whose blob was parsed by an earlier load is not parsed again.
    public static func load(_ snapshot: Snapshot, path: String, cache: ParsedFileCache? = nil) -> DesiredState {
        return load(snapshot, path: path, cache: cache, only: nil, seed: nil).state
    }

    /// Loads like ``load(_:path:cache:)`` and records, manifest by manifest, what each read,
    /// declared and reported (the baseline of an incremental plan).
    public static func loadRecorded(_ snapshot: Snapshot, path: String) -> (state: DesiredState, record: LoadRecord) {
        let (state, record) = load(snapshot, path: path, cache: nil, only: nil, seed: LoadRecord())
        return (state, record ?? LoadRecord())
    }

    /// Loads only the manifest files `files` of a snapshot that covers them and what they read
    /// (``GitRepository/snapshot(of:covering:readsContent:)``), resolving references to the
    /// rest of the repository through `context` (a recorded load of an earlier commit whose
    /// other manifests did not change). The state holds what those files declare; the record
    /// what they read.
    public static func reload(
        _ snapshot: Snapshot, path: String, files: [String], context: LoadRecord
    ) -> (state: DesiredState, record: LoadRecord) {
        let (state, record) = load(snapshot, path: path, cache: nil, only: files, seed: context)
        return (state, record ?? LoadRecord())
    }

    /// The load itself: of every YAML file under `path`, or of `only`; recorded when `seed` is
    /// given, whose index and components it starts from.
    static func load(
        _ snapshot: Snapshot, path: String, cache: ParsedFileCache?, only: [String]?, seed: LoadRecord?
    ) -> (state: DesiredState, record: LoadRecord?) {
        let base = normalizedBase(path)
        var session = LoadSession(snapshot: snapshot, base: base, cache: cache)
        if seed != nil { session.records = [:] }
        var manifests: [(file: String, root: YAMLNode, kind: ManifestKind)] = []

        let files = only.map { paths in paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.compactMap { snapshot.files[$0] } }
            ?? snapshot.filesUnder(base).filter { isYAML($0.path) }
        session.parseAhead(files.map(\.path))
        for file in files {
            session.begin(file.path)
            defer { session.end(file.path) }
            var reader = FieldReader(file: file.path)
            defer { session.record(reader) }
            guard let outcome = session.document(file.path) else {
                reader.warning(nil, nil, "the file's content was not read; skipped", fix: "commit it as a regular file")
                continue
            }
            switch outcome {
            case .syntaxError(let message, let line, let column):
                reader.error(.marker(line: line, column: column), nil, "invalid YAML: \(message)", fix: "fix the YAML syntax")
            case .parsed(nil):
                reader.warning(nil, nil, "empty YAML file; ignored", fix: "remove the file or give it content")
            case .parsed(let root?):
                let kind = ManifestClassifier.classify(root)
                if kind == .notAMapping {
                    reader.warning(root, nil, "the document is \(root.typeName), not a mapping: not a manifest; ignored",
                                   fix: "a manifest is a mapping of `key: value` lines")
                } else {
                    manifests.append((file.path, root, kind))
                }
            }
        }

        var componentReferences: [String: [String]] = [:]
        let components = referencedComponents(manifests.map { ($0.file, $0.root, $0.kind) }, session: &session, found: &componentReferences)
            .union(seed?.components ?? [])

        var state = DesiredState(commit: snapshot.commit)
        var index = seed?.index ?? RepositoryIndex()
        var owners = DuplicateNames()

        // Clusters, environments and our own kinds first: jobs refer to them. Files are read on
        // every core (LoadSession+Workers); names are claimed in file order.
        for (manifest, read) in zip(manifests, session.read(manifests, ManifestRead.referenced)) {
            session.begin(manifest.file)
            defer { session.end(manifest.file) }
            session.adopt(read)
            var reader = read.reader(of: manifest.file)
            switch read.resource {
            case .cluster(let cluster)?:
                if owners.claim("compute", cluster.name, manifest.root, reader: &reader) {
                    state.clusters.append(cluster)
                    session.declare(ResourceID(.compute, cluster.name), in: manifest.file)
                    index.clusterNames.insert(cluster.name)
                }
            case .environment(let environment)?:
                let key = environment.name + (environment.version.map { ":" + $0 } ?? "")
                if owners.claim("environment", key, manifest.root, reader: &reader, shown: environment.name) {
                    state.environments.append(environment)
                    session.declare(ResourceID(.environment, environment.name), in: manifest.file)
                    if index.environments[environment.name] == nil { index.environments[environment.name] = IndexedEnvironment(environment) }
                    index.environmentFiles[manifest.file] = IndexedEnvironment(environment)
                }
            case .quotaPolicy(let policy)?:
                if owners.claim("quota_policy", policy.name, manifest.root, reader: &reader) {
                    state.quotaPolicies.append(policy)
                    session.declare(ResourceID(.quotaPolicy, policy.name), in: manifest.file)
                }
            case .resourceLock(let lock)?:
                if owners.claim("resource_lock", lock.name, manifest.root, reader: &reader) {
                    state.locks.append(lock)
                    session.declare(ResourceID(.resourceLock, lock.name), in: manifest.file)
                }
            default:
                break
            }
            session.record(reader)
        }

        let jobIndex = index
        let reads = session.read(manifests) { manifest, reader, session in
            ManifestRead.referring(manifest, components: components, index: jobIndex, reader: &reader, session: &session)
        }
        for (manifest, read) in zip(manifests, reads) {
            session.begin(manifest.file)
            defer { session.end(manifest.file) }
            session.adopt(read)
            var reader = read.reader(of: manifest.file)
            switch read.resource {
            case .job(let job)?:
                if owners.claim("job", job.name, manifest.root, reader: &reader) {
                    state.jobs.append(job)
                    session.declare(ResourceID(.job, job.name), in: manifest.file)
                }
            case .schedule(let schedule)?:
                if owners.claim("schedule", schedule.name, manifest.root, reader: &reader) {
                    state.schedules.append(schedule)
                    session.declare(ResourceID(.schedule, schedule.name), in: manifest.file)
                }
            default:
                break
            }
            session.record(reader)
        }

        state.clusters.sort { $0.name < $1.name }
        state.environments.sort { ($0.name, $0.version ?? "") < ($1.name, $1.version ?? "") }
        state.jobs.sort { $0.name < $1.name }
        state.schedules.sort { $0.name < $1.name }
        state.quotaPolicies.sort { $0.name < $1.name }
        state.locks.sort { $0.name < $1.name }
        state.diagnostics = sorted(session.diagnostics)
        let records = session.records
        // The parse trees and per-file reads are freed on another thread while the caller goes
        // on (planning): 25-30 ms of freeing at 10,000 manifests, then the trim.
        FreedMemory.release(dropping: (session, manifests, reads))
        guard let records else { return (state, nil) }
        return (state, LoadRecord(files: records, index: index, components: components, componentReferences: componentReferences))
    }

    /// Validates one component file as `az ml component create` would (the SDK's standalone
    /// rules, including the component name rule that does not apply when a pipeline uses it).
    public static func validateComponent(_ snapshot: Snapshot, file: String) -> [Diagnostic] {
        var session = LoadSession(snapshot: snapshot, base: RepositoryPath.folder(of: file))
        var reader = FieldReader(file: file)
        var dependencies = JobDependencies()
        _ = ComponentLoader.loadFile(file, reader: &reader, session: &session, dependencies: &dependencies, index: RepositoryIndex(),
                                     standalone: true, depth: 0)
        session.record(reader)
        return sorted(session.diagnostics)
    }

    static func normalizedBase(_ path: String) -> String {
        var base = path
        while base.hasPrefix("./") { base.removeFirst(2) }
        while base.hasSuffix("/") { base.removeLast() }
        return base == "." ? "" : base
    }

    /// Whether the loader reads `path` as a manifest: `*.yml` or `*.yaml`, in any case.
    public static func isYAML(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".yml") || lower.hasSuffix(".yaml")
    }

    /// Diagnostics in the order a load reports them: by file (byte-wise), line and column,
    /// equal positions in the given order, repeats dropped.
    public static func ordered(_ diagnostics: [Diagnostic]) -> [Diagnostic] { sorted(diagnostics) }

    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        // Stable by construction order for equal positions; duplicates (a file reached twice) dropped.
        var seen: Set<Diagnostic> = []
        let unique = diagnostics.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            let x = a.element.location, y = b.element.location
            if x.file != y.file { return x.file.utf8.lexicographicallyPrecedes(y.file.utf8) }
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Files that pipelines use as components (`component:`/`trial:` paths), followed through
    /// pipeline components: they are read through the pipeline, not as jobs of their own.
    private static func referencedComponents(
        _ manifests: [(String, YAMLNode, ManifestKind)], session: inout LoadSession, found componentReferences: inout [String: [String]]
    ) -> Set<String> {
        var found: Set<String> = []
        var queue: [(String, YAMLNode)] = manifests.compactMap { file, root, kind in
            switch kind {
            case .pipelineJob, .component, .untypedPipeline: (file, root)
            case .schedule: nil
            default: nil
            }
        }
        while let (file, root) = queue.popLast() {
            var references: [String] = []
            if let text = root["component"]?.string { references.append(text) }
            for step in root["jobs"]?.entries ?? [] {
                for key in ["component", "trial"] { if let text = step.value[key]?.string { references.append(text) } }
            }
            for reference in references where PipelineLoader.isComponentFile(reference) {
                let local = reference.hasPrefix("file:") ? String(reference.dropFirst(5)) : reference
                guard case .inside(let path) = RepositoryPath.resolve(local, from: RepositoryPath.folder(of: file)) else { continue }
                if !(componentReferences[file]?.contains(path) ?? false) { componentReferences[file, default: []].append(path) }
                guard !found.contains(path) else { continue }
                found.insert(path)
                if case .parsed(let referenced?)? = session.document(path) { queue.append((path, referenced)) }
            }
        }
        return found
    }
}

/// First-come ownership of names within a kind: the second file with a name gets the error.
struct DuplicateNames {
    private var owners: [String: SourceLocation] = [:]

    /// Claims `name` for the file of `reader`; records an error and returns false when taken.
    mutating func claim(_ kind: String, _ name: String, _ root: YAMLNode, reader: inout FieldReader, shown: String? = nil) -> Bool {
        let key = kind + "\u{0}" + name
        if let first = owners[key] {
            reader.error(root["name"] ?? root, "name", "duplicate \(kind) name `\(shown ?? name)`: already declared in \(first)",
                         fix: "give one of them another name (names are unique per kind)")
            return false
        }
        owners[key] = reader.location(root["name"] ?? root)
        return true
    }
}

extension ManifestLoader {
    /// The files a manifest reads besides itself, recursively: component files (`component:`,
    /// `trial:`), conda files, a schedule's job file (`create_job:`, `job:`) and environment files
    /// (`environment: file:...`). A change to any of them changes what the manifest means.
    public static func referencedFiles(_ snapshot: Snapshot, of file: String) -> [String] {
        var session = LoadSession(snapshot: snapshot, base: "")
        var found: Set<String> = []
        var queue = [file]
        let keys: Set<String> = ["component", "trial", "conda_file", "create_job", "job", "environment"]
        while let current = queue.popLast() {
            guard case .parsed(let root?)? = session.document(current) else { continue }
            var references: [String] = []
            collect(root, keys: keys, into: &references)
            for reference in references {
                let local = reference.hasPrefix("file:") ? String(reference.dropFirst(5)) : reference
                guard !RepositoryPath.isRemote(local), isYAML(local),
                      case .inside(let path) = RepositoryPath.resolve(local, from: RepositoryPath.folder(of: current)),
                      path != file, snapshot.isFile(path), found.insert(path).inserted else { continue }
                queue.append(path)
            }
        }
        return found.sorted()
    }

    private static func collect(_ node: YAMLNode, keys: Set<String>, into references: inout [String]) {
        switch node.value {
        case .scalar: return
        case .sequence(let items): for item in items { collect(item, keys: keys, into: &references) }
        case .mapping(let entries):
            for entry in entries {
                if keys.contains(entry.key), let text = entry.value.string { references.append(text) }
                collect(entry.value, keys: keys, into: &references)
            }
        }
    }
}
