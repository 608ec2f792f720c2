import Foundation
internal import CLibgit2

/// Owns one `git_repository*`. Not Sendable: it lives inside one actor (or one network thread)
/// and is never used from two threads at once, as libgit2 requires. Every other libgit2 object is
/// borrowed inside a closure, freed on the way out, and copied into value types.
final class RepositoryHandle {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_repository_free(pointer) }

    /// Opens a work tree, its `.git` folder or a bare repository; with `searchingUpward`, also a
    /// folder inside a work tree.
    static func open(at path: String, searchingUpward: Bool = true) throws(GitError) -> RepositoryHandle {
        Libgit2.ensureInitialized()
        var repository: OpaquePointer?
        let flags = searchingUpward ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        try check(git_repository_open_ext(&repository, path, flags, nil), "git_repository_open_ext") { failure in
            if failure.isOwnershipRefusal { return .unsafeOwnership(path: path) }
            if failure.isNotFound { return .repositoryNotFound(path: path) }
            return nil
        }
        guard let repository else { throw .repositoryNotFound(path: path) }
        return RepositoryHandle(pointer: repository)
    }

    /// The work tree's root, or the repository folder itself when bare; no trailing slash.
    var rootPath: String {
        let raw = git_repository_workdir(pointer) ?? git_repository_path(pointer)
        var path = string(raw)
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    // MARK: Commits and trees

    /// Lends the commit `revision` names (annotated tags peeled) to `body`.
    func withCommit<T>(
        _ revision: String, _ body: (OpaquePointer) throws(GitError) -> T
    ) throws(GitError) -> T {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, pointer, revision), "git_revparse_single") { failure in
            Self.namesNoCommit(failure) ? .revisionNotFound(revision: revision) : nil
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        // Peeling fails when the revision names a tree or blob: still "no commit" for the user.
        try check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "git_object_peel") { _ in
            .revisionNotFound(revision: revision)
        }
        defer { git_object_free(commit) }
        guard let commit else { throw .revisionNotFound(revision: revision) }
        return try body(commit)
    }

    /// Lends the commit and its root tree to `body`.
    func withTree<T>(
        of revision: String, _ body: (_ tree: OpaquePointer, _ commit: OpaquePointer) throws(GitError) -> T
    ) throws(GitError) -> T {
        try withCommit(revision) { commit throws(GitError) -> T in
            var tree: OpaquePointer?
            try check(git_commit_tree(&tree, commit), "git_commit_tree") { failure in
                .corruptObject(id: hex(git_commit_tree_id(commit)), detail: failure.message)
            }
            defer { git_tree_free(tree) }
            guard let tree else { throw .corruptObject(id: hex(git_commit_id(commit)), detail: "no tree") }
            return try body(tree, commit)
        }
    }

    /// The object id of the commit `revision` names.
    func commitID(_ revision: String) throws(GitError) -> git_oid {
        try withCommit(revision) { commit in git_commit_id(commit).pointee }
    }

    /// Copies a commit's identity, author and message out of libgit2.
    static func info(of commit: OpaquePointer) -> CommitInfo {
        let author = git_commit_author(commit).pointee
        var message = string(git_commit_message(commit))
        // git stores the message with its final newline; nobody wants it back.
        while message.hasSuffix("\n") { message.removeLast() }
        return CommitInfo(
            sha: hex(git_commit_id(commit)),
            authorName: string(author.name),
            authorEmail: string(author.email),
            time: Date(timeIntervalSince1970: TimeInterval(author.when.time)),
            message: message)
    }

    private static func namesNoCommit(_ failure: Libgit2Failure) -> Bool {
        let codes: [git_error_code] = [GIT_ENOTFOUND, GIT_EAMBIGUOUS, GIT_EINVALIDSPEC, GIT_EUNBORNBRANCH, GIT_EPEEL]
        return codes.contains { $0.rawValue == failure.code }
    }

    // MARK: Blobs

    /// Copies a blob's bytes (they must be copied before the blob is freed).
    func blobBytes(_ id: UnsafePointer<git_oid>) throws(GitError) -> [UInt8] {
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, id), "git_blob_lookup") { failure in
            .corruptObject(id: hex(id), detail: failure.message)
        }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// The bytes of the file at `path` in the tree of `revision`.
    func fileBytes(_ path: String, at revision: String) throws(GitError) -> [UInt8] {
        try withTree(of: revision) { tree, _ throws(GitError) -> [UInt8] in
            var entry: OpaquePointer?
            try check(git_tree_entry_bypath(&entry, tree, path), "git_tree_entry_bypath") { failure in
                failure.isNotFound || path.isEmpty ? .pathNotFound(path: path, revision: revision) : nil
            }
            // Unlike byname/byindex, bypath hands us an entry we own.
            defer { git_tree_entry_free(entry) }
            guard let entry, git_tree_entry_type(entry) == GIT_OBJECT_BLOB else {
                throw .pathNotFound(path: path, revision: revision)
            }
            return try blobBytes(git_tree_entry_id(entry))
        }
    }

    // MARK: History

    /// Whether `ancestor` is `descendant` or one of its ancestors.
    func isAncestor(_ ancestor: String, of descendant: String) throws(GitError) -> Bool {
        var ancestorID = try commitID(ancestor)
        var descendantID = try commitID(descendant)
        if git_oid_equal(&ancestorID, &descendantID) != 0 { return true }
        let answer = git_graph_descendant_of(pointer, &descendantID, &ancestorID)
        try check(answer, "git_graph_descendant_of")
        return answer == 1
    }
}

extension RepositoryHandle {
    /// The URL of the `origin` remote.
    func originURL() throws(GitError) -> String {
        var remote: OpaquePointer?
        let path = rootPath
        try check(git_remote_lookup(&remote, pointer, "origin"), "git_remote_lookup") { failure in
            failure.isNotFound ? MirrorCache.noOrigin(path) : nil
        }
        defer { git_remote_free(remote) }
        return string(git_remote_url(remote))
    }

    /// Points `origin` at `url` when it points elsewhere.
    func pointOrigin(at url: String) throws(GitError) {
        guard try originURL() != url else { return }
        try check(git_remote_set_url(pointer, "origin", url), "git_remote_set_url")
    }
}
