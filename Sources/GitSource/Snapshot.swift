/// One file of a commit's tree.
public struct TreeFile: Sendable, Hashable {
    /// How git records the file.
    public enum Mode: String, Sendable, Hashable, Codable {
        case file, executable, symlink, submodule
    }
    /// The path from the repository root, with `/` separators and no leading `./`.
    public var path: String
    /// The blob's object id in hexadecimal: equal ids mean equal content.
    public var blobID: String
    /// The file's mode.
    public var mode: Mode
    /// The blob's bytes, when the snapshot read them (see ``Snapshot``).
    public var content: [UInt8]?

    public init(path: String, blobID: String, mode: Mode, content: [UInt8]? = nil) {
        self.path = path
        self.blobID = blobID
        self.mode = mode
        self.content = content
    }
}

/// The files of one commit, read straight from its tree (no checkout).
///
/// Every path of the tree is listed with its blob id, so existence checks and content digests
/// (which only need ids) work anywhere in the repository. Contents are read for the files the
/// snapshot was asked for: by default every YAML file, which covers manifests and conda files.
public struct Snapshot: Sendable {
    /// The commit the files belong to.
    public let commit: CommitInfo
    /// Every file of the tree, by path.
    public let files: [String: TreeFile]
    /// All paths, sorted byte-wise, for ordered walks.
    public let sortedPaths: [String]

    public init(commit: CommitInfo, files: [TreeFile]) {
        self.commit = commit
        var byPath: [String: TreeFile] = [:]
        byPath.reserveCapacity(files.count)
        for file in files { byPath[file.path] = file }
        self.files = byPath
        self.sortedPaths = byPath.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Whether `path` names a file of the tree.
    public func isFile(_ path: String) -> Bool { files[path] != nil }

    /// Whether `path` names a directory of the tree (git has no empty directories: a directory
    /// exists when a file lies under it). The empty path is the root.
    public func isDirectory(_ path: String) -> Bool {
        if path.isEmpty { return !files.isEmpty }
        // The first path at or after the prefix is under it when anything is (no list is made:
        // the loader asks this once per `code:` and path input).
        let prefix = path.hasSuffix("/") ? path : path + "/"
        let first = firstIndex(notBefore: prefix)
        return first < sortedPaths.count && sortedPaths[first].hasPrefix(prefix)
    }

    /// The index in ``sortedPaths`` of the first path not before `prefix` byte-wise.
    private func firstIndex(notBefore prefix: String) -> Int {
        var low = 0, high = sortedPaths.count
        while low < high {
            let mid = (low + high) / 2
            if sortedPaths[mid].utf8.lexicographicallyPrecedes(prefix.utf8) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The files below directory `path` (recursively), sorted by path.
    public func filesUnder(_ path: String) -> [TreeFile] {
        if path.isEmpty { return sortedPaths.compactMap { files[$0] } }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        // sortedPaths is sorted byte-wise, so everything under the prefix is one contiguous run.
        var result: [TreeFile] = []
        var index = firstIndex(notBefore: prefix)
        while index < sortedPaths.count, sortedPaths[index].hasPrefix(prefix) {
            if let file = files[sortedPaths[index]] { result.append(file) }
            index += 1
        }
        return result
    }

    /// The content of the file at `path`, when the snapshot read it.
    public func content(of path: String) -> [UInt8]? { files[path]?.content }
}

extension Snapshot {
    /// Whether a path names a YAML file by its extension.
    public static func isYAMLPath(_ path: String) -> Bool {
        path.hasSuffix(".yml") || path.hasSuffix(".yaml")
    }
}
