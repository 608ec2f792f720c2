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
                var file = TreeFile(path: entry.path, blobID: hex(&entry.id), mode: entry.mode)
                if entry.mode == .file || entry.mode == .executable, readsContent(entry.path) {
                    file.content = try blobBytes(&entry.id)
                }
                files.append(file)
            }
            return Snapshot(commit: Self.info(of: commit), files: files)
        }
    }

    private static let collect: git_treewalk_cb = { root, entry, payload in
        guard let entry, let payload else { return 0 }
        let listing = Unmanaged<TreeListing>.fromOpaque(payload).takeUnretainedValue()
        let mode: TreeFile.Mode
        switch git_tree_entry_filemode(entry) {
        case GIT_FILEMODE_TREE: return 0  // descend; directories are implied by their files
        case GIT_FILEMODE_BLOB_EXECUTABLE: mode = .executable
        case GIT_FILEMODE_LINK: mode = .symlink
        case GIT_FILEMODE_COMMIT: mode = .submodule
        default: mode = .file
        }
        let path = string(root) + string(git_tree_entry_name(entry))
        listing.entries.append(.init(path: path, id: git_tree_entry_id(entry).pointee, mode: mode))
        return 0
    }
}
