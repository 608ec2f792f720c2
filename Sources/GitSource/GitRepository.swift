/// A git repository opened through libgit2.
///
/// The libgit2 handle never leaves this actor, and the actor runs on its own serial dispatch
/// queue: blocking reads (tree walks, blob reads, diffs) never occupy the Swift cooperative pool.
/// Everything it returns is a value type copied out of libgit2.
public actor GitRepository {
    /// The path of the repository: its work tree's root, or the bare repository itself.
    public nonisolated let path: String

    /// Used only on this actor's executor.
    let handle: RepositoryHandle
    private let executor: DispatchQueueExecutor

    /// The actor's jobs run on its private dispatch queue.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init(handle: sending RepositoryHandle) {
        self.path = handle.rootPath
        self.handle = handle
        self.executor = DispatchQueueExecutor(label: "mlgitops.git \(handle.rootPath)")
    }

    /// Opens the repository at `path`: a work tree, its `.git` folder, a bare repository, or any
    /// folder inside a work tree (the repository is discovered upward).
    public static func open(at path: String) throws(GitError) -> GitRepository {
        GitRepository(handle: try RepositoryHandle.open(at: path))
    }

    /// Opens exactly `path` without searching upward (for mirror caches, which must never be
    /// mistaken for a work tree that happens to contain them).
    static func openExactly(at path: String) throws(GitError) -> GitRepository {
        GitRepository(handle: try RepositoryHandle.open(at: path, searchingUpward: false))
    }

    /// Resolves a revision (branch, tag, full or short sha, `HEAD`, `HEAD~1`, `origin/main`, ...)
    /// to its commit; annotated tags are peeled.
    public func resolve(_ revision: String) throws(GitError) -> CommitInfo {
        try handle.withCommit(revision) { commit in RepositoryHandle.info(of: commit) }
    }

    /// Reads the tree of `revision` into a snapshot: every file of the tree (recursively) with its
    /// blob id and mode, and blob contents for the regular files `readsContent` accepts (by
    /// default YAML files). Submodules and symlinks are listed without content.
    public func snapshot(
        of revision: String, readsContent: @Sendable (String) -> Bool = Snapshot.isYAMLPath
    ) throws(GitError) -> Snapshot {
        try handle.snapshot(of: revision, readsContent: readsContent)
    }

    /// Reads only `paths` of the tree of `revision`: a file path brings the file, a folder
    /// path every file under it, a missing path nothing (see ``Snapshot``'s existence checks,
    /// which then answer only for what was covered).
    public func snapshot(
        of revision: String, covering paths: Set<String>, readsContent: @Sendable (String) -> Bool = Snapshot.isYAMLPath
    ) throws(GitError) -> Snapshot {
        try handle.snapshot(of: revision, covering: paths, readsContent: readsContent)
    }

    /// The paths that differ between two revisions, renames detected (as `git diff -M`).
    public func changedPaths(from old: String, to new: String) throws(GitError) -> [PathChange] {
        try handle.changedPaths(from: old, to: new)
    }

    /// The bytes of the file at `path` (from the repository root, `/`-separated) in the tree of
    /// `revision`; throws ``GitError/pathNotFound(path:revision:)`` when it is missing or is a folder.
    public func readFile(_ path: String, at revision: String) throws(GitError) -> [UInt8] {
        try handle.fileBytes(path, at: revision)
    }

    /// Whether `ancestor` is `descendant` itself or one of its ancestors (as
    /// `git merge-base --is-ancestor`): a new revision is a fast-forward when this holds.
    public func isAncestor(_ ancestor: String, of descendant: String) throws(GitError) -> Bool {
        try handle.isAncestor(ancestor, of: descendant)
    }

    /// The URL of the `origin` remote.
    func originURL() throws(GitError) -> String { try handle.originURL() }

    /// Makes `origin` fetch from `url` (a mirror follows a changed URL).
    func pointOrigin(at url: String) throws(GitError) { try handle.pointOrigin(at: url) }
}
