import Foundation
internal import CLibgit2

/// Bare repositories that mirror a remote: cloned once, then fetched.
///
/// A bare clone by libgit2 maps the remote's branches to `refs/remotes/origin/*` only, so its
/// `refs/heads/main` would stay at the commit of the clone. The cache therefore fetches with
/// three refspecs: `+refs/heads/*:refs/heads/*` (so `main` is the remote's current `main`),
/// `+refs/heads/*:refs/remotes/origin/*` (so `origin/main` is too) and `+refs/tags/*:refs/tags/*`,
/// pruning what the remote deleted. It is a cache: nothing local in it survives a fetch.
enum MirrorCache {
    static let mirrorRefspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]

    /// Whether `path` is free for a clone: absent, or an empty folder.
    static func needsClone(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return true }
        return (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty ?? false
    }

    /// Clones `url` bare into a temporary sibling of `path`, sets it up as a mirror and renames it
    /// into place, so an interrupted clone never leaves a half-made cache behind.
    static func clone(url: String, into path: String, credentials: GitCredentials, deadline: Deadline) -> Result<Void, GitError> {
        Libgit2.ensureInitialized()
        let destination = URL(fileURLWithPath: path)
        let partial = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString.prefix(8))").path
        do throws(GitError) {
            try createParent(of: destination)
            try cloneBare(url: url, into: partial, credentials: credentials, deadline: deadline)
            try moveIntoPlace(partial, path)
            return .success(())
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            return .failure(error)
        }
    }

    /// Fetches `origin` into the repository at `path` with the remote's configured refspecs,
    /// pruning refs the remote deleted.
    static func fetch(repositoryAt path: String, credentials: GitCredentials, deadline: Deadline) -> Result<FetchSummary, GitError> {
        Libgit2.ensureInitialized()
        do throws(GitError) {
            let handle = try RepositoryHandle.open(at: path, searchingUpward: false)
            var remote: OpaquePointer?
            try check(git_remote_lookup(&remote, handle.pointer, "origin"), "git_remote_lookup") { failure in
                failure.isNotFound ? noOrigin(path) : nil
            }
            defer { git_remote_free(remote) }
            let session = TransferSession(url: string(git_remote_url(remote)), deadline: deadline, credentials: credentials)
            var options = git_fetch_options()
            try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
            options.prune = GIT_FETCH_PRUNE
            options.callbacks = try session.callbacks()
            let code = withExtendedLifetime(session) { git_remote_fetch(remote, nil, &options, "mlgitops: fetch") }
            if code < 0 {
                throw session.error(
                    for: Libgit2Failure(function: "git_remote_fetch", code: code),
                    operation: "fetch from \(RemoteURL.redacted(session.url))")
            }
            let stats = git_remote_stats(remote).pointee
            return .success(
                FetchSummary(
                    receivedObjects: Int(stats.received_objects), receivedBytes: Int(stats.received_bytes),
                    updatedRefs: session.updatedRefs))
        } catch {
            return .failure(error)
        }
    }

    /// The error for a repository without a remote to fetch from.
    static func noOrigin(_ path: String) -> GitError {
        .libgit2(
            function: "git_remote_lookup", code: GIT_ENOTFOUND.rawValue,
            detail: "the repository at \(path) has no remote 'origin' to fetch from; add one with `git remote add origin <url>`")
    }

    // MARK: Steps

    private static func cloneBare(url: String, into path: String, credentials: GitCredentials, deadline: Deadline) throws(GitError) {
        let session = TransferSession(url: url, deadline: deadline, credentials: credentials)
        var options = git_clone_options()
        try check(git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION)), "git_clone_options_init")
        options.bare = 1
        options.fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        options.fetch_opts.callbacks = try session.callbacks()
        var repository: OpaquePointer?
        let code = withExtendedLifetime(session) { git_clone(&repository, url, path, &options) }
        if code < 0 {
            throw session.error(
                for: Libgit2Failure(function: "git_clone", code: code), operation: "clone of \(RemoteURL.redacted(url))")
        }
        defer { git_repository_free(repository) }
        guard let repository else { throw .repositoryNotFound(path: path) }
        try makeMirror(repository)
    }

    /// Adds the mirror refspecs and creates local branches for the remote's branches the clone
    /// only recorded under `refs/remotes/origin/`.
    private static func makeMirror(_ repository: OpaquePointer) throws(GitError) {
        for refspec in mirrorRefspecs {
            try check(git_remote_add_fetch(repository, "origin", refspec), "git_remote_add_fetch")
        }
        let prefix = "refs/remotes/origin/"
        var branches: [(name: String, target: git_oid)] = []
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, repository, prefix + "*"), "git_reference_iterator_glob_new")
        defer { git_reference_iterator_free(iterator) }
        var reference: OpaquePointer?
        while git_reference_next(&reference, iterator) == 0 {
            defer { git_reference_free(reference) }
            // origin/HEAD is symbolic and has no direct target.
            guard let target = git_reference_target(reference) else { continue }
            branches.append((String(string(git_reference_name(reference)).dropFirst(prefix.count)), target.pointee))
        }
        for var branch in branches {
            var created: OpaquePointer?
            try check(
                git_reference_create(&created, repository, "refs/heads/" + branch.name, &branch.target, 1, "mlgitops: mirror"),
                "git_reference_create")
            git_reference_free(created)
        }
    }

    private static func createParent(of destination: URL) throws(GitError) {
        do {
            try FileManager.default.createDirectory(
                at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw cacheUnusable(destination.path, "its folder cannot be created (\(error.localizedDescription))")
        }
    }

    private static func moveIntoPlace(_ partial: String, _ path: String) throws(GitError) {
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            throw cacheUnusable(path, "the new clone cannot be moved into place (\(error.localizedDescription))")
        }
    }

    /// The error for a cache folder we cannot use.
    static func cacheUnusable(_ path: String, _ reason: String) -> GitError {
        .libgit2(
            function: "mirror cache", code: GIT_ERROR.rawValue,
            detail: "the mirror cache \(path) is unusable: \(reason); delete it so the next run clones afresh")
    }
}
