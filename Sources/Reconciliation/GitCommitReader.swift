public import GitSource
public import Workspaces

/// A ``CommitReader`` over one commit of a git repository (through libgit2).
public struct GitCommitReader: CommitReader {
    public let repository: GitRepository
    public let revision: String

    public init(repository: GitRepository, revision: String) {
        self.repository = repository
        self.revision = revision
    }

    public func files(under path: String) async throws(WorkspaceError) -> [CommittedFile] {
        do {
            let snapshot = try await repository.snapshot(of: revision, readsContent: { _ in false })
            if let file = snapshot.files[path] {
                let bytes = try await repository.readFile(path, at: revision)
                let name = path.split(separator: "/").last.map(String.init) ?? path
                return [CommittedFile(path: name, bytes: bytes, isExecutable: file.mode == .executable)]
            }
            let prefix = path.isEmpty ? "" : path + "/"
            var result: [CommittedFile] = []
            for file in snapshot.filesUnder(path) where file.mode == .file || file.mode == .executable {
                let bytes = try await repository.readFile(file.path, at: revision)
                result.append(CommittedFile(path: String(file.path.dropFirst(prefix.count)), bytes: bytes, isExecutable: file.mode == .executable))
            }
            return result
        } catch {
            throw .invalid(detail: "could not read \(path) at \(revision.prefix(12)): \(error)")
        }
    }
}
