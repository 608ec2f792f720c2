import Foundation

extension LoadSession {
    /// Reads every manifest with `read` on every core and returns what each gave, in the
    /// manifests' order; the caller claims names and then ``adopt(_:)``s each read in that order.
    ///
    /// Reading a manifest depends only on the snapshot, the parsed files and what an earlier
    /// phase built (the repository index), never on another manifest of the same phase, so the
    /// reads run on workers, each with its own copy of this session (the parsed files are
    /// shared, copy-on-write). What a copy learns besides its reads (digests) is dropped.
    ///
    /// Manifests are handed out in small chunks as workers become free, so a worker slowed by
    /// another process on its core does not hold the others up. Below 64 manifests, or on one
    /// core, one worker reads them all here.
    func read(
        _ manifests: [ManifestRead.Manifest], _ read: (ManifestRead.Manifest, inout FieldReader, inout LoadSession) -> ManifestRead.Resource?
    ) -> [ManifestRead] {
        var start = self
        start.diagnostics = []
        let workers = manifests.count >= 64 ? min(ProcessInfo.processInfo.activeProcessorCount, LoadWorkers.limit) : 1
        let slots = UnsafeMutableBufferPointer<ManifestRead?>.allocate(capacity: manifests.count)
        slots.initialize(repeating: nil)
        defer { slots.deallocate() }
        // Each slot is written by the one worker that took its chunk and read once every worker
        // has ended; the chunk counter is all the workers share. `read` does not outlive this call.
        nonisolated(unsafe) let results = slots
        let first = start
        let chunks = ChunkCounter(count: manifests.count, size: 16)
        withoutActuallyEscaping(read) { read in
            nonisolated(unsafe) let read = read
            let work: @Sendable (Int) -> Void = { _ in
                var session = first
                while let range = chunks.next() {
                    for index in range {
                        let manifest = manifests[index]
                        let reportedBefore = session.reportedFiles.count
                        session.begin(manifest.file)
                        var reader = FieldReader(file: manifest.file)
                        let resource = read(manifest, &reader, &session)
                        let reported = session.reportedFiles.count == reportedBefore ? []
                            : session.diagnostics.map(\.location.file).filter { session.reportedFiles.contains($0) }
                        results[index] = ManifestRead(
                            resource: resource, diagnostics: reader.diagnostics, recorded: session.diagnostics, reads: session.reads,
                            reported: Array(Set(reported)))
                        if !session.diagnostics.isEmpty { session.diagnostics = [] }
                        session.reads = nil
                    }
                }
            }
            if workers > 1 {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            } else {
                work(0)
            }
        }
        // Moved out, not copied: the reads of 10,000 files are not held twice.
        return Array(unsafeUninitializedCapacity: manifests.count) { buffer, count in
            for index in 0..<manifests.count { (buffer.baseAddress! + index).initialize(to: (slots.baseAddress! + index).move()!) }
            count = manifests.count
        }
    }

    /// Takes in what a worker read for the manifest being attributed (between ``begin(_:)`` and
    /// ``end(_:)``), as if this session had read it: its reads, and what it recorded, without
    /// the reports of conda files this session already reported (a worker reports a conda file
    /// the first time it reads it; a serial load, the first time the load does).
    mutating func adopt(_ read: ManifestRead) {
        if reads != nil, let paths = read.reads { reads = paths }
        guard !read.reported.isEmpty else {
            diagnostics += read.recorded
            return
        }
        let repeated = Set(read.reported.filter { reportedFiles.contains($0) })
        reportedFiles.formUnion(read.reported)
        diagnostics += repeated.isEmpty ? read.recorded : read.recorded.filter { !repeated.contains($0.location.file) }
    }
}

/// How many threads read manifests at most.
enum LoadWorkers {
    /// At most 8; tests set 1 to compare a load with a serial one.
    @TaskLocal static var limit = 8
}

/// Hands out consecutive ranges of `0..<count` to whichever worker asks next.
final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0
    private let count: Int
    private let size: Int

    init(count: Int, size: Int) {
        self.count = count
        self.size = size
    }

    /// The next range to read; nil when every item is taken.
    func next() -> Range<Int>? {
        lock.withLock {
            guard taken < count else { return nil }
            let range = taken..<min(taken + size, count)
            taken = range.upperBound
            return range
        }
    }
}
