import Controller
import Foundation
import GitSource
import Manifests

/// Reads the desired state at a revision: opens (or mirrors) the repository, snapshots the
/// commit and loads the manifests under the path.
struct DesiredStateReader {
    var repository: RepositoryOptions
    var stateDirectory: String

    /// Whether `--repo` names a remote to mirror rather than a local path.
    static func isRemote(_ repo: String) -> Bool {
        repo.contains("://") || (repo.contains("@") && repo.contains(":") && !FileManager.default.fileExists(atPath: repo))
    }

    /// The repository handle: a local one, or a mirror in `<state>/git-cache/`.
    func open() async throws -> GitRepository {
        if Self.isRemote(repository.repo) {
            let cache = URL(fileURLWithPath: stateDirectory).appendingPathComponent("git-cache")
                .appendingPathComponent(MirrorName.of(repository.repo)).path
            return try await GitRepository.mirror(url: repository.repo, into: cache, timeout: .seconds(120))
        }
        return try GitRepository.open(at: repository.repo)
    }

    /// The manifests folder as a repository-relative path.
    var manifestsPath: String {
        var path = repository.path
        while path.hasPrefix("./") { path.removeFirst(2) }
        while path.hasSuffix("/") { path.removeLast() }
        return path == "." ? "" : path
    }

    /// What was read: the state, its commit, and the repository for reading more of it.
    struct Reading {
        var desired: DesiredState
        var commit: CommitInfo
        var repository: GitRepository
        /// What each manifest read, when the load was recorded.
        var record: LoadRecord? = nil
    }

    /// Loads the desired state at `--ref`.
    func read() async throws -> (DesiredState, CommitInfo) {
        let reading = try await readWithRepository()
        return (reading.desired, reading.commit)
    }

    /// Loads the desired state at `--ref`, keeping the repository handle.
    func readWithRepository(recording: Bool = false) async throws -> Reading {
        let (repo, snapshot) = try await snapshot()
        return load(snapshot, from: repo, recording: recording)
    }

    /// The commit at `--ref`, every file under the path read, checked to hold the path:
    /// what ``load(_:from:recording:)`` loads. `opened` is the repository if already open.
    func snapshot(in opened: GitRepository? = nil) async throws -> (GitRepository, Snapshot) {
        let repo: GitRepository
        if let opened { repo = opened } else { repo = try await open() }
        let snapshot = try await repo.snapshot(of: repository.ref)
        let path = manifestsPath
        if !path.isEmpty, !snapshot.isDirectory(path) {
            throw GitError.pathNotFound(path: path, revision: repository.ref)
        }
        return (repo, snapshot)
    }

    /// Loads the manifests of `snapshot`, recording what each read when asked.
    func load(_ snapshot: Snapshot, from repo: GitRepository, recording: Bool) -> Reading {
        if recording {
            let (desired, record) = ManifestLoader.loadRecorded(snapshot, path: manifestsPath)
            return Reading(desired: desired, commit: snapshot.commit, repository: repo, record: record)
        }
        return Reading(desired: ManifestLoader.load(snapshot, path: manifestsPath), commit: snapshot.commit, repository: repo)
    }
}
