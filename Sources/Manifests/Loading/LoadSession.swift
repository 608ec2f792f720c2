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

    /// The paths read or probed since the loader last emptied it (nil: not recording). A
    /// recorded load keeps, for each manifest, every path whose change could change it.
    var reads: Set<String>?
    /// Each manifest's reads, declarations and diagnostics (nil: not recording).
    var records: [String: LoadRecord.ManifestFile]?
    /// Where the diagnostics of the manifest being attributed start.
    var diagnosticsMark = 0

    init(snapshot: Snapshot, base: String, cache: ParsedFileCache? = nil) {
        self.snapshot = snapshot
        self.base = base
        self.cache = cache
    }

    /// The parsed content of a YAML file of the snapshot (nil when it has no content).
    mutating func document(_ path: String) -> YAMLDocument.Outcome? {
        reads?.insert(path)
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
        // Each slot is written by the one worker that took its chunk. Chunks are handed out as
        // workers free up: with fixed shares, a worker whose core was busy (the workspace is
        // observed meanwhile) left the other idle at the end.
        nonisolated(unsafe) let slots = outcomes
        let snapshot = snapshot
        let chunks = ChunkCounter(count: pending.count, size: 32)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let range = chunks.next() {
                for index in range {
                    if let bytes = snapshot.content(of: pending[index]) { slots[index] = YAMLDocument.parse(bytes) }
                }
            }
        }
        for (index, path) in pending.enumerated() {
            if let outcome = outcomes[index] { parsed[path] = outcome }
        }
    }

    /// The digest of a committed file or folder: SHA-256 over its sorted `path mode blob` lines.
    mutating func digest(of path: String) -> String {
        reads?.insert(path)
        if let cached = digests[path] { return cached }
        let digest = ContentDigest.of(path, in: snapshot)
        digests[path] = digest
        return digest
    }

    /// Whether `path` is a file of the snapshot (a probe: recorded, as a file added there later
    /// changes the answer).
    mutating func isFile(_ path: String) -> Bool {
        reads?.insert(path)
        return snapshot.isFile(path)
    }

    /// Whether `path` is a folder of the snapshot (recorded like ``isFile(_:)``).
    mutating func isDirectory(_ path: String) -> Bool {
        reads?.insert(path)
        return snapshot.isDirectory(path)
    }

    /// The bytes of a file of the snapshot (recorded like ``isFile(_:)``).
    mutating func content(of path: String) -> [UInt8]? {
        reads?.insert(path)
        return snapshot.content(of: path)
    }

    mutating func record(_ reader: FieldReader) { diagnostics.append(contentsOf: reader.diagnostics) }
}
