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
        let prefix = path.isEmpty ? "" : path + "/"
        do {
            // One walk of the tree that reads the blobs under `path`: a lookup by path per file
            // would inflate every tree on the way again for each file, quadratic in a data
            // folder of thousands of files.
            let snapshot = try await repository.snapshot(
                of: revision, readsContent: { $0 == path || $0.hasPrefix(prefix) })
            if let file = snapshot.files[path] {
                guard let bytes = file.content else { return [] }
                let name = path.split(separator: "/").last.map(String.init) ?? path
                return [CommittedFile(path: name, bytes: bytes, isExecutable: file.mode == .executable)]
            }
            return snapshot.filesUnder(path).compactMap { file in
                guard let bytes = file.content, file.mode == .file || file.mode == .executable else { return nil }
                return CommittedFile(
                    path: String(file.path.dropFirst(prefix.count)), bytes: bytes, isExecutable: file.mode == .executable)
            }
        } catch {
            throw .invalid(detail: "could not read \(path) at \(revision.prefix(12)): \(error)")
        }
    }
}
