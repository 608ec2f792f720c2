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
        for var entry in listing.entries {
            let path = prefix + entry.path
            var file = TreeFile(path: path, blobID: hex(&entry.id), mode: entry.mode)
            if entry.mode == .file || entry.mode == .executable, readsContent(path) {
                file.content = try blobBytes(&entry.id)
            }
            files.append(file)
        }
        return files
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
