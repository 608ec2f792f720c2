/// A change to one path between two commits.
public struct PathChange: Sendable, Hashable {
    /// What happened to the path.
    public enum Status: String, Sendable, Hashable, Codable { case added, modified, deleted, renamed, typeChanged }
    /// What happened to the path.
    public var status: Status
    /// The path before (nil when added).
    public var oldPath: String?
    /// The path after (nil when deleted).
    public var newPath: String?

    /// Makes a change record.
    public init(status: Status, oldPath: String?, newPath: String?) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
    }
}
