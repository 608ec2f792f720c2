/// Where something stands in the repository: a file and a 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The path from the repository root.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A problem found in the desired state: where, which field, what is wrong and what to do.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// Errors stop a reconcile; warnings are shown and the reconcile goes on.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning
        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    public var severity: Severity
    public var location: SourceLocation
    /// The field's path in the document, e.g. `jobs.score.task.code` (nil for the whole file).
    public var field: String?
    /// What is wrong.
    public var message: String
    /// What to do about it.
    public var fix: String?
    /// The policy rule that found it (`unknown-size`, `node-cap`, ...; docs/quota-policies.md),
    /// nil for what the manifest loader finds.
    public var rule: String?

    public init(
        _ severity: Severity, at location: SourceLocation, field: String?, message: String, fix: String? = nil,
        rule: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.field = field
        self.message = message
        self.fix = fix
        self.rule = rule
    }

    /// `file:line:column: error: field: message (fix)`, as compilers print.
    public var formatted: String {
        var text = "\(location): \(severity.rawValue): "
        if let field { text += "\(field): " }
        text += message
        if let fix { text += " (\(fix))" }
        return text
    }
}
