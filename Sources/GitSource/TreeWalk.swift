import Foundation
internal import CLibgit2

/// The entries of a tree, collected by `git_tree_walk` (the walk's C callback cannot capture,
/// so it appends to this box through the payload pointer).
private final class TreeListing {
    struct Entry {
        var path: String
        var id: git_oid
        var mode: TreeFile.Mode
    }
    var entries: [Entry] = []
}

extension RepositoryHandle {
    /// Lists every file of the tree of `revision`, recursively, reading blob bytes for the regular
    /// files whose path `readsContent` accepts.
    ///
    /// Symlinks are listed without content (their blob is a target path, not the file's text) and
    /// submodules without content (their id is a commit of another repository).
    func snapshot(of revision: String, readsContent: (String) -> Bool) throws(GitError) -> Snapshot {
        try withTree(of: revision) { tree, commit throws(GitError) -> Snapshot in
            Snapshot(commit: Self.info(of: commit), files: try listing(of: tree, under: "", readsContent: readsContent))
        }
    }

    /// Every file of `tree` (recursively), its paths prefixed with `prefix` (the tree's own path
    /// and a `/`, or nothing for a root tree), with contents as ``snapshot(of:readsContent:)`` reads them.
    func listing(of tree: OpaquePointer, under prefix: String, readsContent: (String) -> Bool) throws(GitError) -> [TreeFile] {
        let listing = TreeListing()
        let code = withExtendedLifetime(listing) {
            git_tree_walk(tree, GIT_TREEWALK_PRE, Self.collect, Unmanaged.passUnretained(listing).toOpaque())
        }
        try check(code, "git_tree_walk") { failure in
            .corruptObject(id: hex(git_tree_id(tree)), detail: failure.message)
        }
        var files: [TreeFile] = []
        files.reserveCapacity(listing.entries.count)
        var wanted: [(file: Int, id: git_oid)] = []
        for var entry in listing.entries {
            let path = prefix + entry.path
            if entry.mode == .file || entry.mode == .executable, readsContent(path) { wanted.append((files.count, entry.id)) }
            files.append(TreeFile(path: path, blobID: hex(&entry.id), mode: entry.mode))
        }
        let contents = try blobContents(wanted.map(\.id))
        for (slot, content) in zip(wanted, contents) { files[slot.file].content = content }
        return files
    }

    /// The bytes of the blobs `ids`, in order. Inflating thousands of blobs is most of reading
    /// a large tree, so above a few hundred they are read on every core, each worker through
    /// a repository handle of its own (libgit2 wants one per thread), opened and freed here.
    func blobContents(_ ids: [git_oid]) throws(GitError) -> [[UInt8]] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        guard workers > 1, ids.count >= 256 else {
            var contents: [[UInt8]] = []
            contents.reserveCapacity(ids.count)
            for var id in ids { contents.append(try blobBytes(&id)) }
            return contents
        }
        let folder = string(git_repository_path(pointer))
        let slots = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: ids.count)
        slots.initialize(repeating: [])
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        // Each slot is written by the one worker that took its chunk; chunks are handed out as
        // workers free up. The first failure wins and stops the others at their next chunk.
        nonisolated(unsafe) let results = slots
        let progress = BlobReadProgress(count: ids.count, chunk: 64)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            do throws(GitError) {
                let handle = try RepositoryHandle.open(at: folder, searchingUpward: false)
                while let range = progress.next() {
                    for index in range {
                        var id = ids[index]
                        results[index] = try handle.blobBytes(&id)
                    }
                }
            } catch {
                progress.fail(error)
            }
        }
        if let failure = progress.failure { throw failure }
        return Array(slots)
    }

    /// How a tree entry's file mode reads as a ``TreeFile/Mode`` (trees are not files).
    static func mode(of filemode: git_filemode_t) -> TreeFile.Mode {
        switch filemode {
        case GIT_FILEMODE_BLOB_EXECUTABLE: .executable
        case GIT_FILEMODE_LINK: .symlink
        case GIT_FILEMODE_COMMIT: .submodule
        default: .file
        }
    }

    private static let collect: git_treewalk_cb = { root, entry, payload in
        guard let entry, let payload else { return 0 }
        let listing = Unmanaged<TreeListing>.fromOpaque(payload).takeUnretainedValue()
        let filemode = git_tree_entry_filemode(entry)
        if filemode == GIT_FILEMODE_TREE { return 0 }  // descend; directories are implied by their files
        let mode = mode(of: filemode)
        let path = string(root) + string(git_tree_entry_name(entry))
        listing.entries.append(.init(path: path, id: git_tree_entry_id(entry).pointee, mode: mode))
        return 0
    }
}

/// Hands out chunks of blobs to the reading workers and keeps the first failure.
private final class BlobReadProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0
    private let count: Int
    private let chunk: Int
    private var firstFailure: GitError?

    init(count: Int, chunk: Int) {
        self.count = count
        self.chunk = chunk
    }

    /// The next indices to read; nil when all are taken or a worker failed.
    func next() -> Range<Int>? {
        lock.withLock {
            guard taken < count, firstFailure == nil else { return nil }
            let range = taken..<min(taken + chunk, count)
            taken = range.upperBound
            return range
        }
    }

    func fail(_ error: GitError) {
        lock.withLock { if firstFailure == nil { firstFailure = error } }
    }

    var failure: GitError? { lock.withLock { firstFailure } }
}
