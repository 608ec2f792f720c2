import Foundation
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An `MLTable` file: which files a table is made of and, for tabular data, how to read them.
///
/// Only what a local parallel step needs is understood: `paths:` (`file:`, `folder:` and
/// `pattern:` entries, relative to the MLTable's folder) and the `read_delimited`
/// transformation. Other readers and transformations are refused with an error rather than
/// ignored, because ignoring them would feed `run()` different data than Azure ML would.
public struct MLTableFile: Sendable, Hashable {
    /// The name an MLTable file always has, inside the folder it describes.
    public static let fileName = "MLTable"

    /// One entry of `paths:`.
    public enum PathEntry: Sendable, Hashable {
        /// `file: ./a.csv`: one file.
        case file(String)
        /// `folder: ./data`: every regular, non-hidden file below the folder, recursively.
        case folder(String)
        /// `pattern: ./*.csv`: a glob (`*`, `?`, `[a-z]`, `[!a-z]` within a path segment; `**`
        /// for any number of segments).
        case pattern(String)
    }

    /// `read_delimited.header`: which lines are headers.
    public enum Header: String, Sendable, Hashable, CaseIterable {
        /// Every file starts with the same header line.
        case allFilesSameHeaders = "all_files_same_headers"
        /// Only the first file has a header; the other files are all data.
        case fromFirstFile = "from_first_file"
        /// No file has a header; columns are named `Column1`, `Column2`, ...
        case noHeader = "no_header"
    }

    /// The `read_delimited` transformation.
    public struct ReadDelimited: Sendable, Hashable {
        /// The field separator (default `,`); may be longer than one character.
        public var delimiter: String
        /// Default `all_files_same_headers`, as in the MLTable specification.
        public var header: Header
        /// `utf8` (default), `utf8bom`, `ascii`, `latin1`, `iso88591`, `windows1252`, `utf16`
        /// or `utf32`.
        public var encoding: String
        /// Whether empty fields are empty strings rather than missing values (default false).
        /// Chunks keep empty fields as they are, so this only travels to the worker.
        public var emptyAsString: Bool

        /// Makes a `read_delimited` with the MLTable defaults for what is not given.
        public init(
            delimiter: String = ",", header: Header = .allFilesSameHeaders, encoding: String = "utf8",
            emptyAsString: Bool = false
        ) {
            self.delimiter = delimiter
            self.header = header
            self.encoding = encoding
            self.emptyAsString = emptyAsString
        }
    }

    /// A problem with an MLTable file, naming the file and the field.
    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        /// No MLTable file where one was expected.
        case notFound(path: String)
        /// The file exists but could not be read.
        case unreadable(file: String, detail: String)
        /// Not YAML, or not a mapping at the top.
        case invalidYAML(file: String, detail: String)
        /// A field has a value the MLTable specification does not allow.
        case invalidField(file: String, field: String, message: String)
        /// A valid MLTable feature that the local runner cannot honour.
        case unsupported(file: String, field: String, message: String)
        /// A `file:` or `folder:` entry names something that is not there.
        case missingPath(file: String, field: String, path: String)

        /// The message for people.
        public var description: String {
            switch self {
            case .notFound(let path):
                return "no MLTable file at \(path): an mltable input must be a folder holding a file named `MLTable`"
            case .unreadable(let file, let detail):
                return "cannot read MLTable file \(file): \(detail)"
            case .invalidYAML(let file, let detail):
                return "MLTable file \(file) is not valid: \(detail)"
            case .invalidField(let file, let field, let message):
                return "MLTable file \(file), field `\(field)`: \(message)"
            case .unsupported(let file, let field, let message):
                return "MLTable file \(file), field `\(field)`: \(message)"
            case .missingPath(let file, let field, let path):
                return "MLTable file \(file), field `\(field)`: \(path) does not exist (paths are relative to the MLTable's folder)"
            }
        }
    }

    /// The MLTable file's own path (absolute).
    public var path: String
    /// The entries of `paths:`, in the order written.
    public var paths: [PathEntry]
    /// The `read_delimited` transformation, when the table is tabular data; nil for a file list.
    public var readDelimited: ReadDelimited?

    /// The folder the MLTable describes: its relative paths start there.
    public var folder: String { (path as NSString).deletingLastPathComponent }

    /// Whether rows (tabular data) rather than files are the items.
    public var isTabular: Bool { readDelimited != nil }

    /// Makes an MLTable from its parts.
    public init(path: String, paths: [PathEntry], readDelimited: ReadDelimited?) {
        self.path = path
        self.paths = paths
        self.readDelimited = readDelimited
    }

    /// Reads the MLTable file at `location`: the file itself or the folder holding it.
    public static func load(from location: String) throws(LoadError) -> MLTableFile {
        let absolute = Self.absolutePath(location)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw .notFound(path: absolute)
        }
        let file = isDirectory.boolValue ? (absolute as NSString).appendingPathComponent(fileName) : absolute
        guard FileManager.default.fileExists(atPath: file) else { throw .notFound(path: file) }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw .unreadable(file: file, detail: error.localizedDescription)
        }
        return try MLTableFile(yaml: text, path: file)
    }

    /// Parses MLTable YAML `text`; `path` is where the file lives, for relative paths and messages.
    public init(yaml text: String, path: String) throws(LoadError) {
        let file = Self.absolutePath(path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .invalidYAML(file: file, detail: "\(error)")
        }
        guard let root, let top = root.mapping else {
            throw .invalidYAML(file: file, detail: "the top level must be a mapping with `paths:`")
        }
        self.path = file
        self.paths = try Self.readPaths(top["paths"], file: file)
        self.readDelimited = try Self.readTransformations(top["transformations"], file: file)
    }

    /// The data files the table is made of, as absolute paths: entries in the order written,
    /// each folder or pattern expanded in byte order of relative paths, duplicates dropped.
    /// Hidden files and the MLTable file itself never count as data.
    public func dataFiles() throws(LoadError) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        func add(_ file: String) {
            let standard = (file as NSString).standardizingPath
            if standard != (path as NSString).standardizingPath, seen.insert(standard).inserted { result.append(standard) }
        }
        for (position, entry) in paths.enumerated() {
            switch entry {
            case .file(let relative):
                let field = "paths[\(position)].file"
                let full = resolve(relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
                    throw .missingPath(file: path, field: field, path: full)
                }
                if isDirectory.boolValue {
                    throw .invalidField(file: path, field: field, message: "\(relative) is a folder; use `folder:` for folders")
                }
                add(full)
            case .folder(let relative):
                let field = "paths[\(position)].folder"
                let full = resolve(relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
                    throw .missingPath(file: path, field: field, path: full)
                }
                guard isDirectory.boolValue else {
                    throw .invalidField(file: path, field: field, message: "\(relative) is a file; use `file:` for files")
                }
                for file in Self.regularFiles(under: full) { add(full + "/" + file) }
            case .pattern(let glob):
                let field = "paths[\(position)].pattern"
                for file in try expand(glob, field: field) { add(file) }
            }
        }
        return result
    }

    // MARK: - Reading the YAML

    private static func readPaths(_ node: Node?, file: String) throws(LoadError) -> [PathEntry] {
        guard let node else {
            throw .invalidField(file: file, field: "paths", message: "missing required field `paths` (a list of `file:`, `folder:` or `pattern:` entries)")
        }
        guard let items = node.sequence else {
            throw .invalidField(file: file, field: "paths", message: "must be a list of `file:`, `folder:` or `pattern:` entries")
        }
        var entries: [PathEntry] = []
        for (position, item) in items.enumerated() {
            let field = "paths[\(position)]"
            guard let mapping = item.mapping, mapping.count == 1, let (keyNode, valueNode) = mapping.first,
                  let key = keyNode.string else {
                throw .invalidField(file: file, field: field, message: "each entry is one of `file: <path>`, `folder: <path>`, `pattern: <glob>`")
            }
            guard let value = valueNode.scalar?.string, !value.isEmpty else {
                throw .invalidField(file: file, field: "\(field).\(key)", message: "must be a non-empty path")
            }
            if Self.isRemote(value) {
                throw .unsupported(file: file, field: "\(field).\(key)",
                                   message: "\(value) is remote; the local runner reads only local paths (materialise the data next to the MLTable)")
            }
            switch key {
            case "file": entries.append(.file(value))
            case "folder": entries.append(.folder(value))
            case "pattern": entries.append(.pattern(value))
            default:
                throw .invalidField(file: file, field: "\(field).\(key)", message: "unknown path kind `\(key)`; use `file`, `folder` or `pattern`")
            }
        }
        return entries
    }

    /// Keys of `read_delimited` that change nothing in how a local chunk is cut, so they are
    /// accepted (a file written for Azure ML keeps working) and left to the worker.
    private static let passiveDelimitedKeys: Set<String> = [
        "support_multi_line", "include_path_column", "infer_column_types", "path_column", "empty_as_string",
    ]

    /// Encodings `read_delimited.encoding` may name (MLTable spelling).
    static let encodings = ["utf8", "utf8bom", "ascii", "latin1", "iso88591", "windows1252", "utf16", "utf32"]

    private static func readTransformations(_ node: Node?, file: String) throws(LoadError) -> ReadDelimited? {
        guard let node else { return nil }
        if let scalar = node.scalar?.string, Self.isNull(scalar) { return nil }
        guard let items = node.sequence else {
            throw .invalidField(file: file, field: "transformations", message: "must be a list of transformations")
        }
        var result: ReadDelimited?
        for (position, item) in items.enumerated() {
            let field = "transformations[\(position)]"
            let name: String
            let body: Node?
            if let scalar = item.scalar?.string {
                name = scalar
                body = nil
            } else if let mapping = item.mapping, mapping.count == 1, let (keyNode, valueNode) = mapping.first,
                      let key = keyNode.string {
                name = key
                body = valueNode
            } else {
                throw .invalidField(file: file, field: field, message: "each transformation is a mapping with one key, such as `read_delimited:`")
            }
            switch name {
            case "read_delimited":
                if result != nil {
                    throw .invalidField(file: file, field: "\(field).read_delimited", message: "a table has one reader; `read_delimited` appears twice")
                }
                result = try readDelimited(body, field: "\(field).read_delimited", file: file)
            case "read_json_lines", "read_parquet", "read_delta_lake":
                throw .unsupported(file: file, field: "\(field).\(name)",
                                   message: "`\(name)` is not supported by the local runner; only `read_delimited` tables (and file lists) can be split into mini-batches here")
            default:
                throw .unsupported(file: file, field: "\(field).\(name)",
                                   message: "transformation `\(name)` is not supported by the local runner, which would otherwise hand run() untransformed data")
            }
        }
        return result
    }

    private static func readDelimited(_ node: Node?, field: String, file: String) throws(LoadError) -> ReadDelimited {
        var settings = ReadDelimited()
        guard let node, let mapping = node.mapping else {
            if node == nil || node?.scalar.map({ isNull($0.string) }) == true { return settings }
            throw .invalidField(file: file, field: field, message: "must be a mapping (`delimiter`, `header`, `encoding`, ...)")
        }
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { continue }
            let keyField = "\(field).\(key)"
            let value = valueNode.scalar?.string
            switch key {
            case "delimiter":
                guard let value, !value.isEmpty else {
                    throw .invalidField(file: file, field: keyField, message: "must be a non-empty string such as \",\" or \"\\t\"")
                }
                if value.contains("\"") || value.contains("\n") || value.contains("\r") {
                    throw .invalidField(file: file, field: keyField, message: "may not contain a quote or a line break (found \(value.debugDescription))")
                }
                settings.delimiter = value
            case "header":
                guard let value, let header = Header(rawValue: value) else {
                    throw .invalidField(file: file, field: keyField,
                                        message: "must be one of \(Header.allCases.map(\.rawValue).joined(separator: ", ")) (found `\(value ?? "a non-scalar")`)")
                }
                settings.header = header
            case "encoding":
                guard let value, encodings.contains(value.lowercased()) else {
                    throw .invalidField(file: file, field: keyField,
                                        message: "must be one of \(encodings.joined(separator: ", ")) (found `\(value ?? "a non-scalar")`)")
                }
                settings.encoding = value.lowercased()
            case "empty_as_string":
                switch value?.lowercased() {
                case "true": settings.emptyAsString = true
                case "false": settings.emptyAsString = false
                default:
                    throw .invalidField(file: file, field: keyField, message: "must be true or false (found `\(value ?? "a non-scalar")`)")
                }
            default:
                guard passiveDelimitedKeys.contains(key) else {
                    throw .invalidField(file: file, field: keyField,
                                        message: "unknown key `\(key)`; read_delimited takes delimiter, header, encoding, empty_as_string, support_multi_line, include_path_column, infer_column_types")
                }
            }
        }
        return settings
    }

    private static func isNull(_ scalar: String) -> Bool { ["", "~", "null", "Null", "NULL"].contains(scalar) }

    private static func isRemote(_ value: String) -> Bool {
        guard let colon = value.range(of: "://") else { return value.hasPrefix("azureml:") }
        return value[..<colon.lowerBound] != "file"
    }

    // MARK: - Resolving paths

    private func resolve(_ relative: String) -> String {
        var value = relative
        if value.hasPrefix("file://") { value.removeFirst("file://".count) }
        if value.hasPrefix("/") { return (value as NSString).standardizingPath }
        return ((folder as NSString).appendingPathComponent(value) as NSString).standardizingPath
    }

    private func expand(_ glob: String, field: String) throws(LoadError) -> [String] {
        var pattern = glob
        if pattern.hasPrefix("file://") { pattern.removeFirst("file://".count) }
        let absolute = pattern.hasPrefix("/")
        var segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        segments.removeAll { $0 == "." }
        // The literal leading segments pick the folder to walk, so `data/2024/*.csv` never
        // lists the rest of the tree.
        var base = absolute ? "/" : folder
        while let first = segments.first, segments.count > 1, !GlobSegment.hasWildcard(first), first != "**" {
            base = (base as NSString).appendingPathComponent(first)
            segments.removeFirst()
        }
        base = (base as NSString).standardizingPath
        guard !segments.isEmpty else {
            throw .invalidField(file: path, field: field, message: "`\(glob)` names no files")
        }
        let compiled = segments.map { $0 == "**" ? nil : GlobSegment($0) }
        let maxDepth = compiled.contains(where: { $0 == nil }) ? nil : compiled.count
        return Self.regularFiles(under: base, maxDepth: maxDepth)
            .filter { GlobSegment.matches(path: $0.split(separator: "/").map(String.init), pattern: compiled[...]) }
            .map { base == "/" ? "/" + $0 : base + "/" + $0 }
    }

    /// `path` made absolute against the working directory, without `.` and `..`.
    static func absolutePath(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }

    /// Every regular, non-hidden file below `root` (symbolic links followed, each folder
    /// visited once), as paths relative to `root`, sorted in byte order. `maxDepth` 1 lists
    /// only `root`'s own files.
    static func regularFiles(under root: String, maxDepth: Int? = nil) -> [String] {
        var result: [String] = []
        var visited = Set<FileIdentity>()
        var pending: [(relative: String, depth: Int)] = [("", 1)]
        guard let rootKind = FileKind(root), rootKind.isDirectory else { return [] }
        visited.insert(rootKind.identity)
        while let (relative, depth) = pending.popLast() {
            let directory = relative.isEmpty ? root : root + "/" + relative
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names where !name.hasPrefix(".") {
                let child = relative.isEmpty ? name : relative + "/" + name
                guard let kind = FileKind(directory + "/" + name) else { continue }
                if kind.isRegular {
                    result.append(child)
                } else if kind.isDirectory, maxDepth.map({ depth < $0 }) ?? true, visited.insert(kind.identity).inserted {
                    pending.append((child, depth + 1))
                }
            }
        }
        result.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return result
    }
}

/// What `stat` says about a path, for walking folders without a loop through symbolic links.
private struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
}

private struct FileKind {
    var isDirectory: Bool
    var isRegular: Bool
    var identity: FileIdentity

    init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        isDirectory = type == S_IFDIR
        isRegular = type == S_IFREG
        identity = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}

/// One segment of a glob: `*`, `?` and bracket classes, never crossing `/`.
private struct GlobSegment: Equatable {
    private enum Token: Equatable {
        case literal(Unicode.Scalar)
        case any
        case star
        case set([ClosedRange<Unicode.Scalar>], negated: Bool)
    }
    private var tokens: [Token] = []

    static func hasWildcard(_ text: String) -> Bool { text.contains { "*?[".contains($0) } }

    init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "*":
                if tokens.last != .star { tokens.append(.star) }
            case "?":
                tokens.append(.any)
            case "[":
                // An unclosed `[` is a literal, as in the shell; `]` first in the set is a member.
                var position = index + 1
                var negated = false
                if position < scalars.count, scalars[position] == "!" || scalars[position] == "^" {
                    negated = true
                    position += 1
                }
                var ranges: [ClosedRange<Unicode.Scalar>] = []
                var closed = false
                while position < scalars.count {
                    let low = scalars[position]
                    if low == "]", !ranges.isEmpty {
                        closed = true
                        break
                    }
                    if position + 2 < scalars.count, scalars[position + 1] == "-", scalars[position + 2] != "]" {
                        let high = scalars[position + 2]
                        ranges.append(low <= high ? low...high : high...low)
                        position += 3
                    } else {
                        ranges.append(low...low)
                        position += 1
                    }
                }
                if closed {
                    tokens.append(.set(ranges, negated: negated))
                    index = position
                } else {
                    tokens.append(.literal(scalar))
                }
            default:
                tokens.append(.literal(scalar))
            }
            index += 1
        }
    }

    func matches(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        // Iterative wildcard matching with one backtrack point: linear in practice.
        var t = 0, s = 0
        var starToken = -1, starScalar = 0
        while s < scalars.count {
            if t < tokens.count, accepts(tokens[t], scalars[s]) {
                t += 1
                s += 1
            } else if t < tokens.count, tokens[t] == .star {
                starToken = t
                starScalar = s
                t += 1
            } else if starToken >= 0 {
                t = starToken + 1
                starScalar += 1
                s = starScalar
            } else {
                return false
            }
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
    }

    private func accepts(_ token: Token, _ scalar: Unicode.Scalar) -> Bool {
        switch token {
        case .literal(let expected): return expected == scalar
        case .any: return true
        case .star: return false
        case .set(let ranges, let negated): return ranges.contains { $0.contains(scalar) } != negated
        }
    }

    /// Whether path segments match pattern segments, where nil stands for `**`.
    static func matches(path: [String], pattern: ArraySlice<GlobSegment?>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        guard let segment = first else {
            let rest = pattern.dropFirst()
            for skip in 0...path.count where matches(path: Array(path[skip...]), pattern: rest) { return true }
            return false
        }
        guard let name = path.first, segment.matches(name) else { return false }
        return matches(path: Array(path.dropFirst()), pattern: pattern.dropFirst())
    }
}
