internal import CLibgit2

extension RepositoryHandle {
    /// A snapshot of only `paths` of the tree of `revision`: each path that names a file brings
    /// that file, each that names a folder brings every file under it; a path the tree lacks
    /// brings nothing. Contents are read as ``snapshot(of:readsContent:)`` reads them.
    ///
    /// An incremental plan reloads a few manifests: it asks for them and what they read instead
    /// of listing a tree of thousands of files.
    func snapshot(of revision: String, covering paths: Set<String>, readsContent: (String) -> Bool) throws(GitError) -> Snapshot {
        try withTree(of: revision) { tree, commit throws(GitError) -> Snapshot in
            var files: [String: TreeFile] = [:]
            for path in paths.sorted() where files[path] == nil {
                if path.isEmpty {
                    for file in try listing(of: tree, under: "", readsContent: readsContent) { files[file.path] = file }
                    continue
                }
                var entry: OpaquePointer?
                let code = git_tree_entry_bypath(&entry, tree, path)
                if code == GIT_ENOTFOUND.rawValue { continue }
                try check(code, "git_tree_entry_bypath") { failure in
                    .corruptObject(id: hex(git_tree_id(tree)), detail: failure.message)
                }
                defer { git_tree_entry_free(entry) }
                guard let entry else { continue }
                switch git_tree_entry_filemode(entry) {
                case GIT_FILEMODE_TREE:
                    var subtree: OpaquePointer?
                    try check(git_tree_lookup(&subtree, pointer, git_tree_entry_id(entry)), "git_tree_lookup") { failure in
                        .corruptObject(id: hex(git_tree_entry_id(entry)), detail: failure.message)
                    }
                    defer { git_tree_free(subtree) }
                    guard let subtree else { continue }
                    for file in try listing(of: subtree, under: path + "/", readsContent: readsContent) { files[file.path] = file }
                default:
                    var id = git_tree_entry_id(entry).pointee
                    let mode = Self.mode(of: git_tree_entry_filemode(entry))
                    var file = TreeFile(path: path, blobID: hex(&id), mode: mode)
                    if mode == .file || mode == .executable, readsContent(path) { file.content = try blobBytes(&id) }
                    files[path] = file
                }
            }
            return Snapshot(commit: Self.info(of: commit), files: Array(files.values))
        }
    }
}
