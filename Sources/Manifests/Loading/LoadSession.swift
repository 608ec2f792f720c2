import Foundation
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

    /// Parses `paths` (files of the snapshot) on every core into the cache, so that
    /// ``document(_:)`` finds them parsed. Parsing is a fifth of loading 10,000 manifests and
    /// each file parses alone, the same on any thread; the rest of loading stays in file order.
    mutating func parseAhead(_ paths: [String]) {
        let pending = paths.filter { parsed[$0] == nil }
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard workers > 1, pending.count >= 64 else { return }
        let outcomes = UnsafeMutableBufferPointer<YAMLDocument.Outcome?>.allocate(capacity: pending.count)
        outcomes.initialize(repeating: nil)
        defer {
            outcomes.deinitialize()
            outcomes.deallocate()
        }
        // Each worker writes only its own slots (every `workers`-th file from its number).
        nonisolated(unsafe) let slots = outcomes
        let snapshot = snapshot
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: pending.count, by: workers) {
                if let bytes = snapshot.content(of: pending[index]) { slots[index] = YAMLDocument.parse(bytes) }
            }
        }
        for (index, path) in pending.enumerated() {
            if let outcome = outcomes[index] { parsed[path] = outcome }
        }
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
