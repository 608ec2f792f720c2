import Foundation

/// Reads the fields of one YAML file with the Azure ML SDK's typing rules and records what is
/// wrong, each problem located at its node in that file.
struct FieldReader {
    /// The repository path of the file being read.
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// What references resolved to, by field path: content digests of committed paths, hashes of
    /// environments, canonical forms of component files. Hashes use them in place of the text.
    var resolved: [String: CanonicalJSON] = [:]

    init(file: String) { self.file = file }

    // MARK: Recording

    func location(_ node: YAMLNode?) -> SourceLocation {
        SourceLocation(file: file, line: node?.line ?? 1, column: node?.column ?? 1)
    }

    mutating func error(_ node: YAMLNode?, _ field: String?, _ message: String, fix: String? = nil, rule: String? = nil) {
        diagnostics.append(Diagnostic(.error, at: location(node), field: field, message: message, fix: fix, rule: rule))
    }

    mutating func warning(_ node: YAMLNode?, _ field: String?, _ message: String, fix: String? = nil, rule: String? = nil) {
        diagnostics.append(Diagnostic(.warning, at: location(node), field: field, message: message, fix: fix, rule: rule))
    }

    mutating func error(at entry: YAMLEntry, _ field: String?, _ message: String, fix: String? = nil) {
        diagnostics.append(Diagnostic(
            .error, at: SourceLocation(file: file, line: entry.keyLine, column: entry.keyColumn), field: field,
            message: message, fix: fix))
    }

    mutating func append(_ other: [Diagnostic]) { diagnostics.append(contentsOf: other) }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The canonical JSON of `node` (found at `field`) with resolved references substituted.
    func canonical(_ node: YAMLNode, at field: String, excluding excluded: Set<String> = []) -> CanonicalJSON {
        CanonicalJSON(node).substituting(resolved, under: field, excluding: excluded)
    }

    // MARK: Shapes

    /// The node as a mapping; records an error when it is something else.
    mutating func mapping(_ node: YAMLNode?, _ field: String) -> YAMLNode? {
        guard let node else { return nil }
        if node.entries != nil { return node }
        error(node, field, "expected a mapping, found \(node.typeName)", fix: "write `\(field)` as `key: value` lines")
        return nil
    }

    /// Reports every key of `node` that is not in `allowed` (the SDK's "Unknown field.").
    mutating func checkKeys(_ node: YAMLNode, _ field: String, allowed: Set<String>, kind: String) {
        for entry in node.entries ?? [] where !allowed.contains(entry.key) {
            let path = FieldPath.join(field, entry.key)
            var fix = "remove `\(entry.key)` or correct its spelling"
            if let suggestion = FieldPath.closest(to: entry.key, in: allowed) { fix = "did you mean `\(suggestion)`? " + fix }
            error(at: entry, path, "unknown field `\(entry.key)` in \(kind)", fix: fix)
        }
    }

    // MARK: Scalars (marshmallow semantics)

    /// A string field: absent gives nil; null, numbers, booleans and dates are errors.
    mutating func string(_ node: YAMLNode?, _ field: String, allowNull: Bool = false) -> String? {
        guard let node else { return nil }
        if node.isNull {
            if !allowNull { error(node, field, "may not be null", fix: "give `\(field)` a value or remove the key") }
            return nil
        }
        if let text = node.string { return text }
        error(node, field, "not a valid string (found \(node.typeName))", fix: "quote the value: `\(field): \"\(node.text ?? "")\"`")
        return nil
    }

    /// A required string field of `parent`.
    mutating func requiredString(_ parent: YAMLNode, _ key: String, _ field: String, fix: String) -> String? {
        guard let node = parent[key] else {
            error(parent, field, "missing required field `\(key)`", fix: fix)
            return nil
        }
        return string(node, field)
    }

    /// An integer field: integers, numbers (truncated) and numeric strings pass; booleans do not.
    mutating func int(_ node: YAMLNode?, _ field: String) -> Int? {
        guard let node else { return nil }
        if node.isNull {
            error(node, field, "may not be null", fix: "give `\(field)` a whole number or remove the key")
            return nil
        }
        if let scalar = node.scalar {
            switch scalar.kind {
            case .int: if let value = scalar.intValue { return value }
            case .float: if let value = scalar.doubleValue, value.isFinite, abs(value) < 9e18 { return Int(value) }
            case .string:
                let trimmed = scalar.text.trimmingCharacters(in: .whitespaces)
                if let value = Int(trimmed.replacingOccurrences(of: "_", with: "")) { return value }
            default: break
            }
        }
        error(node, field, "not a valid integer (found \(node.typeName))", fix: "write a whole number, e.g. `\(field): 2`")
        return nil
    }

    private static let truthy: Set<String> = ["t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1"]
    private static let falsy: Set<String> = ["f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0"]

    /// A boolean field: booleans, 0/1 and the usual words pass.
    mutating func bool(_ node: YAMLNode?, _ field: String) -> Bool? {
        guard let node else { return nil }
        if let scalar = node.scalar {
            if let value = scalar.boolValue { return value }
            if scalar.kind == .int || scalar.kind == .string || scalar.kind == .float {
                let text = scalar.kind == .float ? (scalar.doubleValue.map { $0 == 1 ? "1" : $0 == 0 ? "0" : "" } ?? "") : scalar.text
                let normalised = scalar.kind == .int ? (scalar.intValue.map(String.init) ?? scalar.text) : text
                if Self.truthy.contains(normalised) { return true }
                if Self.falsy.contains(normalised) { return false }
            }
        }
        error(node, field, "not a valid boolean (found \(node.typeName) `\(node.text ?? "")`)", fix: "write `true` or `false`")
        return nil
    }

    /// An enumerated string; the SDK lowercases before comparing unless `caseSensitive`.
    /// Returns the allowed spelling.
    mutating func enumeration(_ node: YAMLNode?, _ field: String, _ allowed: [String], caseSensitive: Bool = false) -> String? {
        guard let node else { return nil }
        if let text = node.string {
            if let match = allowed.first(where: { caseSensitive ? $0 == text : $0.lowercased() == text.lowercased() }) {
                return match
            }
        }
        let shown = node.text ?? node.typeName
        let list = allowed.map { "`\($0)`" }.joined(separator: ", ")
        let note = caseSensitive ? " (case-sensitive)" : ""
        error(node, field, "value `\(shown)` is not one of \(list)\(note)", fix: "use one of \(list)")
        return nil
    }

    /// A mapping of strings to strings (`tags`, `properties`): values must be strings.
    mutating func stringMap(_ node: YAMLNode?, _ field: String, valuesMustBeStrings: Bool = true) -> [String: String] {
        guard let node, let map = mapping(node, field) else { return [:] }
        var result: [String: String] = [:]
        for entry in map.entries ?? [] {
            let path = FieldPath.join(field, entry.key)
            if let text = entry.value.string {
                result[entry.key] = text
            } else if valuesMustBeStrings {
                error(entry.value, path, "not a valid string (found \(entry.value.typeName))",
                      fix: "quote the value: `\(entry.key): \"\(entry.value.text ?? "")\"`")
            } else {
                result[entry.key] = entry.value.text ?? ""
            }
        }
        return result
    }
}

/// Dotted field paths such as `jobs.score.task.code`.
enum FieldPath {
    static func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : parent + "." + key }

    /// The allowed key closest to a misspelt one, when it is close enough to be a typo.
    static func closest(to key: String, in allowed: Set<String>) -> String? {
        var best: (String, Int)?
        for candidate in allowed {
            let distance = editDistance(key.lowercased(), candidate.lowercased())
            // Close spellings, or the same first word with a different rest (`max_nodes`).
            let sameLead = key.split(separator: "_").first == candidate.split(separator: "_").first && key.contains("_")
            if distance <= max(2, candidate.count / 4) || (sameLead && distance <= candidate.count / 2), best == nil || distance < best!.1 || (distance == best!.1 && candidate < best!.0) {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = previous
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
