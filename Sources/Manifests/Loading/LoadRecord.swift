/// What a load read and declared, manifest by manifest: what an incremental plan needs to
/// reload only the manifests that a commit's changes reach and keep the rest.
public struct LoadRecord: Sendable, Codable {
    /// One manifest file of the load.
    public struct ManifestFile: Sendable, Codable, Equatable {
        /// The resources it declared (a component file read through pipelines declares none).
        public var declared: [ResourceID] = []
        /// Every path its load read or probed (sorted), itself included: files, and folders whose
        /// content was digested or whose existence was checked. A change under any of them can
        /// change what the manifest means.
        public var reads: [String] = []
        /// The diagnostics its load emitted (in this file or in the files it read).
        public var diagnostics: [Diagnostic] = []

        public init() {}
    }

    /// The manifest files, by path.
    public var files: [String: ManifestFile]
    /// What jobs resolve references against.
    public var index: RepositoryIndex
    /// Files that pipelines use as components (read through them, never loaded alone).
    public var components: Set<String>
    /// The component files each file names (`component:`, `trial:`), for the files that name any.
    public var componentReferences: [String: [String]]

    public init(files: [String: ManifestFile] = [:], index: RepositoryIndex = RepositoryIndex(), components: Set<String> = [],
                componentReferences: [String: [String]] = [:]) {
        self.files = files
        self.index = index
        self.components = components
        self.componentReferences = componentReferences
    }
}

extension LoadSession {
    /// Starts attributing reads and diagnostics to `file` (when recording).
    mutating func begin(_ file: String) {
        guard records != nil else { return }
        reads = []
        diagnosticsMark = diagnostics.count
    }

    /// Ends the attribution started by ``begin(_:)``.
    mutating func end(_ file: String) {
        guard records != nil, let read = reads else { return }
        var entry = records?.removeValue(forKey: file) ?? LoadRecord.ManifestFile()
        if entry.reads.isEmpty {
            entry.reads = read.sorted()
        } else {
            for path in read where !entry.reads.contains(path) { entry.reads.append(path) }
            entry.reads.sort()
        }
        entry.diagnostics += diagnostics[diagnosticsMark...]
        records?[file] = entry
        reads = nil
        diagnosticsMark = diagnostics.count
    }

    /// Notes that `file` declared `resource` (when recording).
    mutating func declare(_ resource: ResourceID, in file: String) {
        records?[file, default: LoadRecord.ManifestFile()].declared.append(resource)
    }
}
