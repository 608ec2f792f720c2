import Foundation

/// Parsed YAML files by blob id, kept from one load to the next: a controller that loads
/// commit after commit parses only the files whose content changed (parsing, not git, is what
/// a load costs). Equal blob ids mean equal bytes, and a parse depends on the bytes alone, so
/// an entry is valid under any path and at any commit.
public final class ParsedFileCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: YAMLDocument.Outcome] = [:]
    private var parses = 0

    public init() {}

    /// How many files were parsed (not found in the cache) since the cache was made.
    public var parsedFiles: Int { lock.withLock { parses } }

    /// How many parsed files the cache holds.
    public var count: Int { lock.withLock { entries.count } }

    /// The cached outcome of `blob`, or `parse()`'s, kept.
    func outcome(blob: String, parse: () -> YAMLDocument.Outcome) -> YAMLDocument.Outcome {
        if let cached = lock.withLock({ entries[blob] }) { return cached }
        let outcome = parse()
        lock.withLock {
            entries[blob] = outcome
            parses += 1
        }
        return outcome
    }

    /// Forgets every file whose blob is not in `blobs` (call with the latest snapshot's blob
    /// ids, so the cache never holds more than one tree and what changed since).
    public func retain(only blobs: Set<String>) {
        lock.withLock { entries = entries.filter { blobs.contains($0.key) } }
    }
}
