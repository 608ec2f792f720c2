/// What one fetch brought into a repository.
public struct FetchSummary: Sendable, Hashable {
    /// One reference the fetch created, moved or pruned.
    public struct RefUpdate: Sendable, Hashable {
        /// The full reference name, e.g. `refs/heads/main`.
        public var name: String
        /// Where it pointed before (nil when the fetch created it).
        public var oldSHA: String?
        /// Where it points now (nil when the fetch pruned it).
        public var newSHA: String?

        /// Makes an update record.
        public init(name: String, oldSHA: String?, newSHA: String?) {
            self.name = name
            self.oldSHA = oldSHA
            self.newSHA = newSHA
        }
    }

    /// Objects received from the remote (0 when nothing was new).
    public var receivedObjects: Int
    /// Bytes received for those objects.
    public var receivedBytes: Int
    /// The references that changed, in the order libgit2 updated them.
    public var updatedRefs: [RefUpdate]

    /// Whether the fetch changed no reference.
    public var isUpToDate: Bool { updatedRefs.isEmpty }

    /// Makes a summary.
    public init(receivedObjects: Int, receivedBytes: Int, updatedRefs: [RefUpdate]) {
        self.receivedObjects = receivedObjects
        self.receivedBytes = receivedBytes
        self.updatedRefs = updatedRefs
    }
}
