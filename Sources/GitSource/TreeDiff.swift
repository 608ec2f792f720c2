internal import CLibgit2

extension RepositoryHandle {
    /// The paths that differ between the trees of two revisions, renames detected as git does
    /// (`git diff -M`, 50% similarity), ordered by path.
    func changedPaths(from old: String, to new: String) throws(GitError) -> [PathChange] {
        try withTree(of: old) { oldTree, _ throws(GitError) -> [PathChange] in
            try withTree(of: new) { newTree, _ throws(GitError) -> [PathChange] in
                try changes(between: oldTree, and: newTree)
            }
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
