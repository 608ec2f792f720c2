internal import CLibgit2

extension RepositoryHandle {
    /// The paths that differ between the trees of two revisions, renames detected as git does
    /// (`git diff -M`, 50% similarity), ordered by path.
    func changedPaths(from old: String, to new: String) throws(GitError) -> [PathChange] {
        try withTree(of: old) { oldTree, _ throws(GitError) -> [PathChange] in
            try withTree(of: new) { newTree, _ throws(GitError) -> [PathChange] in
                // Comparing the trees by object id reads only the folders that differ: a commit
                // of one file in a 4,500-file folder is a few milliseconds, where libgit2's diff
                // took 30. Renames need libgit2's similarity pass, and only a commit that both
                // adds and deletes can hold one.
                var changes: [PathChange] = []
                try compare(oldTree, newTree, under: "", into: &changes)
                let adds = changes.contains { $0.status == .added }, deletes = changes.contains { $0.status == .deleted }
                return adds && deletes ? try self.changes(between: oldTree, and: newTree) : changes
            }
        }
    }

    /// Appends what differs between two trees (either may be absent: everything under the
    /// other was added or deleted), walking both in git's entry order and descending only into
    /// folders whose ids differ. A file that became a folder is a deletion and additions, a
    /// change of kind between file, symlink and submodule a type change, as libgit2 reports them.
    private func compare(_ old: OpaquePointer?, _ new: OpaquePointer?, under prefix: String, into changes: inout [PathChange]) throws(GitError) {
        let oldCount = old.map { git_tree_entrycount($0) } ?? 0, newCount = new.map { git_tree_entrycount($0) } ?? 0
        var i = 0, j = 0
        while i < oldCount || j < newCount {
            let a = i < oldCount ? git_tree_entry_byindex(old, i) : nil
            let b = j < newCount ? git_tree_entry_byindex(new, j) : nil
            let order: Int32
            if let a, let b { order = Self.gitOrder(a, b) } else { order = a == nil ? 1 : -1 }
            if order < 0, let a {
                try report(a, under: prefix, as: .deleted, into: &changes)
                i += 1
            } else if order > 0, let b {
                try report(b, under: prefix, as: .added, into: &changes)
                j += 1
            } else if let a, let b {
                i += 1
                j += 1
                let modeA = git_tree_entry_filemode(a), modeB = git_tree_entry_filemode(b)
                if git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) != 0 && modeA == modeB { continue }
                let path = prefix + string(git_tree_entry_name(a))
                if modeA == GIT_FILEMODE_TREE {
                    try withSubtree(a) { oldSub throws(GitError) in
                        try withSubtree(b) { newSub throws(GitError) in try compare(oldSub, newSub, under: path + "/", into: &changes) }
                    }
                } else if Self.kind(modeA) != Self.kind(modeB) {
                    changes.append(PathChange(status: .typeChanged, oldPath: path, newPath: path))
                } else {
                    changes.append(PathChange(status: .modified, oldPath: path, newPath: path))
                }
            }
        }
    }

    /// Reports a file, or every file under a folder, as added or deleted.
    private func report(_ entry: OpaquePointer, under prefix: String, as status: PathChange.Status, into changes: inout [PathChange]) throws(GitError) {
        let path = prefix + string(git_tree_entry_name(entry))
        guard git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE else {
            changes.append(status == .added ? PathChange(status: .added, oldPath: nil, newPath: path) : PathChange(status: .deleted, oldPath: path, newPath: nil))
            return
        }
        try withSubtree(entry) { tree throws(GitError) in
            try status == .added ? compare(nil, tree, under: path + "/", into: &changes) : compare(tree, nil, under: path + "/", into: &changes)
        }
    }

    private func withSubtree(_ entry: OpaquePointer, _ body: (OpaquePointer) throws(GitError) -> Void) throws(GitError) {
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, git_tree_entry_id(entry)), "git_tree_lookup") { failure in
            .corruptObject(id: hex(git_tree_entry_id(entry)), detail: failure.message)
        }
        defer { git_tree_free(tree) }
        guard let tree else { return }
        try body(tree)
    }

    /// Git's order of tree entries: by name bytes, a folder's name read as if it ended in `/`
    /// (so a file and a folder of the same name, one in each tree, are two entries).
    private static func gitOrder(_ a: OpaquePointer, _ b: OpaquePointer) -> Int32 {
        let x = UnsafeRawPointer(git_tree_entry_name(a)!).assumingMemoryBound(to: UInt8.self)
        let y = UnsafeRawPointer(git_tree_entry_name(b)!).assumingMemoryBound(to: UInt8.self)
        let xIsTree = git_tree_entry_filemode(a) == GIT_FILEMODE_TREE, yIsTree = git_tree_entry_filemode(b) == GIT_FILEMODE_TREE
        var k = 0
        while x[k] != 0, x[k] == y[k] { k += 1 }
        // -1 past the end of a key: a shorter key sorts first.
        let p = x[k] != 0 ? Int(x[k]) : (xIsTree ? Int(UInt8(ascii: "/")) : -1)
        let q = y[k] != 0 ? Int(y[k]) : (yIsTree ? Int(UInt8(ascii: "/")) : -1)
        if p != q { return p < q ? -1 : 1 }
        // Equal up to here: both names ended (the same name, the same kind), or both keys go
        // on with `/` after one name ended inside the other, which cannot happen (a name has
        // no `/`) unless both ended.
        return 0
    }

    /// Files, symlinks and submodules are different kinds; regular and executable files are not.
    private static func kind(_ mode: git_filemode_t) -> Int {
        switch mode {
        case GIT_FILEMODE_LINK: 1
        case GIT_FILEMODE_COMMIT: 2
        default: 0
        }
    }

    private func changes(between oldTree: OpaquePointer, and newTree: OpaquePointer) throws(GitError) -> [PathChange] {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        // Otherwise a file turned symlink is reported as a deletion plus an addition.
        options.flags = GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options), "git_diff_tree_to_tree")
        defer { git_diff_free(diff) }

        // Without this pass a rename shows up as a deletion plus an addition.
        var similarity = git_diff_find_options()
        try check(
            git_diff_find_options_init(&similarity, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "git_diff_find_options_init")
        similarity.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try check(git_diff_find_similar(diff, &similarity), "git_diff_find_similar")

        var changes: [PathChange] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let oldPath = string(delta.old_file.path), newPath = string(delta.new_file.path)
            switch delta.status {
            case GIT_DELTA_ADDED, GIT_DELTA_COPIED, GIT_DELTA_UNTRACKED:
                changes.append(PathChange(status: .added, oldPath: nil, newPath: newPath))
            case GIT_DELTA_DELETED:
                changes.append(PathChange(status: .deleted, oldPath: oldPath, newPath: nil))
            case GIT_DELTA_RENAMED:
                changes.append(PathChange(status: .renamed, oldPath: oldPath, newPath: newPath))
            case GIT_DELTA_TYPECHANGE:
                changes.append(PathChange(status: .typeChanged, oldPath: oldPath, newPath: newPath))
            case GIT_DELTA_MODIFIED:
                changes.append(PathChange(status: .modified, oldPath: oldPath, newPath: newPath))
            default:
                continue  // unmodified, ignored, unreadable, conflicted: not produced by tree-to-tree
            }
        }
        return changes
    }
}
