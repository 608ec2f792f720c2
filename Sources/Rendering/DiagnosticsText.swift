public import Manifests

/// Diagnostics for people, compiler style: `file:line:column: error: field: message`.
public struct DiagnosticsText: Sendable {
    public var style: TerminalStyle
    public init(style: TerminalStyle) { self.style = style }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        var lines: [String] = []
        for d in diagnostics {
            let severity = d.severity == .error ? style.red("error") : style.yellow("warning")
            var line = "\(style.bold(d.location.description)): \(severity): "
            if let field = d.field { line += "\(field): " }
            line += d.message
            if let rule = d.rule { line += style.dim(" (rule \(rule))") }
            lines.append(line)
            if let fix = d.fix { lines.append("    \(style.cyan("fix:")) \(fix)") }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        if !diagnostics.isEmpty { lines.append("\(errors) error(s), \(warnings) warning(s)") }
        return lines.joined(separator: "\n")
    }
}
