/// One committed file, read from git for a workspace that needs the bytes.
public struct CommittedFile: Sendable, Hashable {
    /// The path relative to the folder that was asked for.
    public var path: String
    public var bytes: [UInt8]
    public var isExecutable: Bool
    public init(path: String, bytes: [UInt8], isExecutable: Bool = false) {
        self.path = path
        self.bytes = bytes
        self.isExecutable = isExecutable
    }
}

/// Read access to the commit being applied, for operations that carry code or data: the
/// Azure provider uploads a job's code as a code asset, the local workspace materialises it
/// for its runner. What a job runs is the commit, never a working tree.
public protocol CommitReader: Sendable {
    /// The commit's sha.
    var revision: String { get }
    /// Every file under `path` (a repository path; a file path gives that one file), with
    /// paths relative to `path` (a single file gets its own name).
    func files(under path: String) async throws(WorkspaceError) -> [CommittedFile]
}
