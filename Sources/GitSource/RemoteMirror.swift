import Foundation
internal import CLibgit2

extension GitRepository {
    /// Mirrors the remote at `url` in the bare repository `cacheDirectory` and opens it.
    ///
    /// The first call clones (bare) into `cacheDirectory`; later calls fetch. `url` may be
    /// `https://`, `file://`, a plain path, or ssh (`ssh://` or `user@host:path`, through
    /// ssh-agent). After each fetch, branch names resolve to the remote's current heads: `main`
    /// and `origin/main` both name the remote's `main` (see docs/git-layer.md). When `url`
    /// changes, the cache follows the new URL.
    ///
    /// The whole clone or fetch must finish within `timeout`, or it throws
    /// ``GitError/timedOut(operation:seconds:)``; it runs on a dedicated thread, never on the
    /// cooperative pool. https tokens come from `MLGITOPS_GIT_TOKEN` (user name
    /// `MLGITOPS_GIT_USERNAME`, default `x-access-token`).
    public static func mirror(url: String, into cacheDirectory: String, timeout: Duration) async throws(GitError) -> GitRepository {
        Libgit2.ensureInitialized()
        let cache = URL(fileURLWithPath: cacheDirectory).standardizedFileURL.path
        let credentials = GitCredentials.fromEnvironment()
        guard MirrorCache.needsClone(cache) else {
            let repository: GitRepository
            do throws(GitError) {
                repository = try openExactly(at: cache)
            } catch .repositoryNotFound {
                throw MirrorCache.cacheUnusable(cache, "it exists but is not a git repository")
            }
            try await repository.pointOrigin(at: url)
            _ = try await repository.fetch(timeout: timeout, credentials: credentials)
            return repository
        }
        try await NetworkThread.run(exclusiveTo: cache, operation: "clone of \(RemoteURL.redacted(url))", timeout: timeout) {
            deadline in MirrorCache.clone(url: url, into: cache, credentials: credentials, deadline: deadline)
        }
        return try openExactly(at: cache)
    }

    /// Fetches the repository's `origin` remote with its configured refspecs, pruning refs the
    /// remote deleted, within `timeout` (on a dedicated thread, as ``mirror(url:into:timeout:)``).
    public func fetch(timeout: Duration) async throws(GitError) -> FetchSummary {
        try await fetch(timeout: timeout, credentials: .fromEnvironment())
    }

    private func fetch(timeout: Duration, credentials: GitCredentials) async throws(GitError) -> FetchSummary {
        let operation = "fetch from \(RemoteURL.redacted(try originURL()))"
        // The network thread opens its own handle: if it hangs, this actor stays usable.
        let path = self.path
        return try await NetworkThread.run(exclusiveTo: path, operation: operation, timeout: timeout) { deadline in
            MirrorCache.fetch(repositoryAt: path, credentials: credentials, deadline: deadline)
        }
    }
}
