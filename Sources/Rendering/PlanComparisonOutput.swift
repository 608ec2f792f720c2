import Foundation
public import Planning

extension MachineOutput {
    struct ComparisonEntryDocument: Encodable {
        var resource: String
        var change: String
        var base: ActionDocument?
        var head: ActionDocument?
    }

    struct BaseDocument: Encodable {
        var ref: String
        var revision: String?
        var hasErrors: Bool
        var summary: [String: Int]
    }

    struct PullRequestDocument: Encodable {
        var added: Int
        var changed: Int
        var removed: Int
        var unchanged: Int
        var entries: [ComparisonEntryDocument]
    }

    struct ComparisonDocument: Encodable {
        var formatVersion = MachineOutput.formatVersion
        var base: BaseDocument
        var headRef: String
        var head: PlanDocument
        var pullRequest: PullRequestDocument
        var blocked: [ActionDocument]
        var exitCode: Int32
    }

    /// `plan --base --head --format json`: the head's plan (as `plan` prints it), the base's
    /// summary, what the pull request changes, and the exit code the command ends with.
    public static func comparison(_ comparison: PlanComparison, baseRef: String, headRef: String, exitCode: Int32) -> String {
        func summary(_ plan: Plan) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: plan.summary.map { ($0.key.rawValue, $0.value) })
        }
        let head = comparison.head
        return encode(ComparisonDocument(
            base: BaseDocument(
                ref: baseRef, revision: comparison.base.revision, hasErrors: comparison.base.hasErrors,
                summary: summary(comparison.base)),
            headRef: headRef,
            head: PlanDocument(
                revision: head.revision, summary: summary(head), actions: head.actions.map(ActionDocument.init),
                unmanaged: head.unmanaged.map(\.description), diagnostics: head.diagnostics.map(DiagnosticDocument.init)),
            pullRequest: PullRequestDocument(
                added: comparison.entries(.added).count, changed: comparison.entries(.changed).count,
                removed: comparison.entries(.removed).count, unchanged: comparison.unchanged,
                entries: comparison.entries.map {
                    ComparisonEntryDocument(
                        resource: $0.resource.description, change: $0.change.rawValue, base: $0.base.map(ActionDocument.init),
                        head: $0.head.map(ActionDocument.init))
                }),
            blocked: comparison.blocked.map(ActionDocument.init), exitCode: exitCode))
    }
}

/// `plan --base --head --format text`: the head's plan, then what the pull request changes.
public struct PlanComparisonText: Sendable {
    public var style: TerminalStyle
    public init(style: TerminalStyle) { self.style = style }

    public func render(_ comparison: PlanComparison, baseRef: String, headRef: String, workspace: String, path: String) -> String {
        var lines = [PlanText(style: style).render(comparison.head, workspace: workspace, path: path)]
        guard !comparison.head.hasErrors else { return lines.joined(separator: "\n") }
        lines.append("")
        let base = comparison.base.revision.map { String($0.prefix(12)) } ?? "?"
        lines.append(style.bold("Changed by \(headRef) relative to \(baseRef) (\(base)):"))
        if comparison.base.hasErrors { lines.append(style.yellow("  the base has errors: every resource counts as added")) }
        if comparison.entries.isEmpty { lines.append("  nothing: the head plans every resource as the base does") }
        let width = min(48, (comparison.entries.map { $0.resource.description.count }.max() ?? 0) + 2)
        for entry in comparison.entries {
            let name = entry.resource.description
            let padded = name + String(repeating: " ", count: max(1, width - name.count))
            let before = entry.base.map(PlanMarkdown.verbText) ?? "(not declared)"
            let after = entry.head.map(PlanMarkdown.verbText) ?? "(not declared)"
            let mark: String
            switch entry.change {
            case .added: mark = style.green("added  ")
            case .changed: mark = style.yellow("changed")
            case .removed: mark = style.red("removed")
            }
            lines.append("  \(mark) \(padded)\(before) -> \(after)")
        }
        lines.append("  \(comparison.unchanged) resource(s) planned as on the base.")
        return lines.joined(separator: "\n")
    }
}
