/// A change to one path between two commits.
public struct PathChange: Sendable, Hashable {
    /// What happened to the path.
    public enum Status: String, Sendable, Hashable, Codable { case added, modified, deleted, renamed, typeChanged }
    public var status: Status
    /// The path before (nil when added).
    public var oldPath: String?
    /// The path after (nil when deleted).
    public var newPath: String?
    public init(status: Status, oldPath: String?, newPath: String?) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
    }
}

/// A git repository opened through libgit2. The handle never leaves this actor.
///
/// INTERFACE STUB: the git-layer work replaces this file with the real implementation,
/// keeping these signatures.
public actor GitRepository {
    /// The path of the repository (its work tree, or the bare repository itself).
    public nonisolated let path: String

    private init(path: String) { self.path = path }

    /// Opens the repository at `path` (a work tree, its `.git`, or a bare repository).
    public static func open(at path: String) throws(GitError) -> GitRepository {
        throw .repositoryNotFound(path: path)
    }

    /// Mirrors a remote into a bare cache (clone when absent, else fetch).
    public static func mirror(url: String, into cacheDirectory: String, timeout: Duration) async throws(GitError) -> GitRepository {
        throw .network(url: url, detail: "stub")
    }

    /// Resolves a revision (branch, tag, sha, `HEAD`, `HEAD~1`, ...) to its commit.
    public func resolve(_ revision: String) throws(GitError) -> CommitInfo {
        throw .revisionNotFound(revision: revision)
    }

    /// Reads the tree of `revision` into a snapshot; blob contents are read for the paths
    /// `readsContent` accepts (by default YAML files).
    public func snapshot(
        of revision: String, readsContent: @Sendable (String) -> Bool = Snapshot.isYAMLPath
    ) throws(GitError) -> Snapshot {
        throw .revisionNotFound(revision: revision)
    }

    /// The paths that differ between two revisions, renames detected.
    public func changedPaths(from old: String, to new: String) throws(GitError) -> [PathChange] {
        throw .revisionNotFound(revision: old)
    }
}

extension Snapshot {
    /// Whether a path names a YAML file by its extension.
    public static func isYAMLPath(_ path: String) -> Bool {
        path.hasSuffix(".yml") || path.hasSuffix(".yaml")
    }
}
