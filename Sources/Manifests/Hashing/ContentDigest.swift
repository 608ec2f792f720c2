import GitSource

/// Digests of committed content from the tree alone: paths, modes and blob ids (equal blob ids
/// mean equal bytes), so no blob is read.
enum ContentDigest {
    /// SHA-256 over `relative-path \t mode \t blob-id \n` for every file under `path` (sorted), or
    /// over the one line of the file when `path` is a file. Relative paths make a moved but
    /// unchanged folder digest the same.
    static func of(_ path: String, in snapshot: Snapshot) -> String {
        var hash = SHA256()
        hash.update("mlgitops-content-v1\n")
        if let file = snapshot.files[path] {
            hash.update("\(RepositoryPath.name(of: path))\t\(file.mode.rawValue)\t\(file.blobID)\n")
        } else {
            for file in snapshot.filesUnder(path) {
                let relative = path.isEmpty ? file.path : String(file.path.dropFirst(path.count + 1))
                hash.update("\(relative)\t\(file.mode.rawValue)\t\(file.blobID)\n")
            }
        }
        return hash.hexDigest()
    }
}
