import Foundation
import GitSource
import Manifests
import TestSupport

/// Builds ``Snapshot`` values for tests: from a real git repository's commit (blob ids and modes
/// from `git ls-tree`, contents of YAML files from the work tree), or from any folder on disk.
enum SnapshotFixture {
    static let commit = CommitInfo(
        sha: String(repeating: "0", count: 40), authorName: "Test Author", authorEmail: "author@example.com",
        time: Date(timeIntervalSince1970: 0), message: "test")

    /// Commits everything in `repository` and returns the commit as a snapshot.
    static func commit(_ repository: ScratchRepository) throws -> Snapshot {
        let sha = try repository.commitAll("test")
        let listing = try repository.git("ls-tree", "-r", "HEAD")
        var files: [TreeFile] = []
        for line in listing.split(separator: "\n") {
            // <mode> SP <type> SP <id> TAB <path>
            let parts = line.split(separator: "\t", maxSplits: 1)
            let meta = parts[0].split(separator: " ")
            let path = String(parts[1])
            let mode: TreeFile.Mode = switch meta[0] {
            case "100755": .executable
            case "120000": .symlink
            case "160000": .submodule
            default: .file
            }
            files.append(TreeFile(path: path, blobID: String(meta[2]), mode: mode, content: yamlContent(repository.path, path)))
        }
        return Snapshot(commit: CommitInfo(sha: sha, authorName: "Test Author", authorEmail: "author@example.com",
                                           time: Date(), message: "test"), files: files)
    }

    /// Writes `files` into a fresh repository and commits them.
    static func repository(_ files: [String: String], function: String = #function) throws -> (ScratchRepository, Snapshot) {
        let repository = try ScratchRepository(function: function)
        for (path, content) in files { try repository.write(path, content) }
        return (repository, try commit(repository))
    }

    /// Reads a folder from disk (no git needed); blob ids are the SHA-256 of the content.
    static func folder(_ root: String) throws -> Snapshot {
        let base = URL(fileURLWithPath: root)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return Snapshot(commit: commit, files: [])
        }
        var files: [TreeFile] = []
        let prefix = base.standardizedFileURL.path + "/"
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(prefix.count))
            let data = try Data(contentsOf: url)
            var hash = SHA256()
            hash.update(Array(data))
            files.append(TreeFile(path: path, blobID: hash.hexDigest(), mode: .file, content: isYAML(path) ? Array(data) : nil))
        }
        return Snapshot(commit: commit, files: files)
    }

    private static func isYAML(_ path: String) -> Bool { path.hasSuffix(".yml") || path.hasSuffix(".yaml") }

    private static func yamlContent(_ root: String, _ path: String) -> [UInt8]? {
        guard isYAML(path), let data = FileManager.default.contents(atPath: root + "/" + path) else { return nil }
        return Array(data)
    }
}

extension DesiredState {
    /// The error diagnostics.
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    /// The warning diagnostics.
    var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}
