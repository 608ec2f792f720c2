import Foundation
public import GitSource

/// The repository `sync` follows: a remote mirrored into `<state>/git-cache/<name>` (fetched
/// through libgit2 with a deadline on every look), or a local repository read in place.
struct FollowedRepository: Sendable {
    let source: SyncSource
    let branch: String
    let stateDirectory: String
    let fetchTimeout: Duration

    /// Fetches (for a remote) and returns the repository with the branch's head commit.
    func head() async throws(GitError) -> (GitRepository, CommitInfo) {
        let repository: GitRepository
        switch source {
        case .remote(let url):
            let cache = URL(fileURLWithPath: stateDirectory).appendingPathComponent("git-cache")
                .appendingPathComponent(MirrorName.of(url)).path
            repository = try await GitRepository.mirror(url: url, into: cache, timeout: fetchTimeout)
        case .local(let path):
            repository = try GitRepository.open(at: path)
        }
        return (repository, try await repository.resolve(branch))
    }
}

/// A file-system-safe folder name for a remote URL (no credentials in it): the mirror cache of
/// `reconcile --repo URL` and of `sync --repo URL` is the same folder.
public enum MirrorName {
    /// The folder name for `url`.
    public static func of(_ url: String) -> String {
        var cleaned = url
        if let at = cleaned.firstIndex(of: "@"), let scheme = cleaned.range(of: "://"), scheme.upperBound < at {
            cleaned.removeSubrange(scheme.upperBound...at)
        }
        let safe = cleaned.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        return String(safe.suffix(80))
    }
}
