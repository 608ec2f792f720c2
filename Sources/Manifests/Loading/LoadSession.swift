import GitSource

/// The state of one ``ManifestLoader/load(_:path:)`` call: the snapshot, each YAML file parsed
/// once, content digests computed once, and every diagnostic so far.
struct LoadSession {
    let snapshot: Snapshot
    /// The folder being loaded, from the repository root ("" for the root).
    let base: String
    private var parsed: [String: YAMLDocument.Outcome] = [:]
    private var digests: [String: String] = [:]
    var diagnostics: [Diagnostic] = []
    /// Conda files already reported (one report however many environments use them).
    var reportedFiles: Set<String> = []

    /// Parsed files kept across loads, by blob id.
    let cache: ParsedFileCache?

    init(snapshot: Snapshot, base: String, cache: ParsedFileCache? = nil) {
        self.snapshot = snapshot
        self.base = base
        self.cache = cache
    }

    /// The parsed content of a YAML file of the snapshot (nil when it has no content).
    mutating func document(_ path: String) -> YAMLDocument.Outcome? {
        if let cached = parsed[path] { return cached }
        guard let file = snapshot.files[path], let bytes = file.content else { return nil }
        let outcome = cache.map { $0.outcome(blob: file.blobID) { YAMLDocument.parse(bytes) } } ?? YAMLDocument.parse(bytes)
        parsed[path] = outcome
        return outcome
    }

    /// The digest of a committed file or folder: SHA-256 over its sorted `path mode blob` lines.
    mutating func digest(of path: String) -> String {
        if let cached = digests[path] { return cached }
        let digest = ContentDigest.of(path, in: snapshot)
        digests[path] = digest
        return digest
    }

    mutating func record(_ reader: FieldReader) { diagnostics.append(contentsOf: reader.diagnostics) }
}
