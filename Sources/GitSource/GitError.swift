/// A failure of the git layer, with a message a user can act on.
public enum GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No repository at the path (or above it).
    case repositoryNotFound(path: String)
    /// The repository exists but belongs to another user and libgit2 refused it.
    case unsafeOwnership(path: String)
    /// A revision (branch, tag, sha, expression) that does not name a commit.
    case revisionNotFound(revision: String)
    /// A path that is not in the tree of a commit.
    case pathNotFound(path: String, revision: String)
    /// The remote refused the credentials, or none were available.
    case authenticationFailed(url: String, detail: String)
    /// The remote could not be reached or broke off.
    case network(url: String, detail: String)
    /// A network operation passed its deadline and was abandoned.
    case timedOut(operation: String, seconds: Double)
    /// An object is missing or unreadable: the repository is damaged.
    case corruptObject(id: String, detail: String)
    /// Any other libgit2 failure, with the function that failed.
    case libgit2(function: String, code: Int32, detail: String)

    public var description: String {
        switch self {
        case .repositoryNotFound(let path):
            return "no git repository at \(path): pass --repo with the path of a clone (or a URL)"
        case .unsafeOwnership(let path):
            return "the repository at \(path) belongs to another user; run "
                + "`git config --global --add safe.directory \(path)` or change its owner"
        case .revisionNotFound(let revision):
            return "revision '\(revision)' does not name a commit: check the branch, tag or sha passed to --ref"
        case .pathNotFound(let path, let revision):
            return "'\(path)' does not exist at \(revision): check --path against the repository's tree"
        case .authenticationFailed(let url, let detail):
            return "authentication to \(url) failed (\(detail)): check the credentials for this remote "
                + "(MLGITOPS_GIT_TOKEN for https, a key in ssh-agent for ssh)"
        case .network(let url, let detail):
            return "could not reach \(url): \(detail); check the URL, the network and any proxy"
        case .timedOut(let operation, let seconds):
            return "\(operation) did not finish within \(seconds) s and was abandoned; it is retried on the next run"
        case .corruptObject(let id, let detail):
            return "object \(id) is missing or damaged (\(detail)): re-clone the repository"
        case .libgit2(let function, let code, let detail):
            return "\(function) failed (\(code)): \(detail)"
        }
    }
}
