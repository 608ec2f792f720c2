/// Paths inside the repository: relative references resolved against a manifest's folder.
enum RepositoryPath {
    /// Where a relative reference leads.
    enum Resolution: Equatable {
        /// A path from the repository root ("" is the root itself).
        case inside(String)
        /// The reference climbs above the repository root or is absolute.
        case outside
    }

    /// The folder that holds `file` ("" for the root).
    static func folder(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        return String(file[..<slash])
    }

    /// The last component of a path.
    static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Resolves `reference` (e.g. `../src`, `./conda.yml`) against `folder`.
    static func resolve(_ reference: String, from folder: String) -> Resolution {
        if reference.hasPrefix("/") || reference.hasPrefix("~") || (reference.count > 1 && reference.dropFirst().hasPrefix(":")) {
            return .outside
        }
        var parts: [Substring] = folder.isEmpty ? [] : folder.split(separator: "/")
        for part in reference.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if parts.isEmpty { return .outside }
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        return .inside(parts.joined(separator: "/"))
    }

    /// `path` relative to `base` (which must be a prefix folder), for names derived from paths.
    static func relative(_ path: String, to base: String) -> String {
        if base.isEmpty { return path }
        if path.hasPrefix(base + "/") { return String(path.dropFirst(base.count + 1)) }
        return path
    }

    /// Whether a reference is remote (a URL, an `azureml:` asset, a git URL) rather than a path.
    static func isRemote(_ reference: String) -> Bool {
        let lower = reference.lowercased()
        for prefix in ["azureml:", "http://", "https://", "git+", "git://", "wasbs://", "wasb://", "abfss://", "abfs://",
                       "adl://", "s3://", "gs://", "hdfs://", "file://", "ssh://"] where lower.hasPrefix(prefix) {
            return true
        }
        return false
    }
}
