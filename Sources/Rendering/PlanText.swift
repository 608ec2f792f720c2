public import Planning
import Manifests

/// A plan for people: one line per resource with a symbol, field diffs under it, a summary.
public struct PlanText: Sendable {
    public var style: TerminalStyle
    /// Show unchanged resources too.
    public var showUnchanged: Bool

    public init(style: TerminalStyle, showUnchanged: Bool = false) {
        self.style = style
        self.showUnchanged = showUnchanged
    }

    public func render(_ plan: Plan, workspace: String, path: String) -> String {
        var lines: [String] = []
        if !plan.diagnostics.isEmpty { lines.append(DiagnosticsText(style: style).render(plan.diagnostics)) }
        if plan.hasErrors {
            lines.append(style.red("No plan: fix the errors above first."))
            return lines.joined(separator: "\n")
        }
        let revision = plan.revision.map { String($0.prefix(12)) } ?? "(none)"
        lines.append("Plan for \(style.bold(path)) at \(style.bold(revision)) against \(workspace)")
        lines.append("")
        let shown = plan.actions.filter { showUnchanged || $0.verb != .noop }
        let width = min(48, (shown.map { $0.resource.description.count }.max() ?? 0) + 2)
        for action in shown {
            lines.append(contentsOf: renderAction(action, width: width))
        }
        if shown.isEmpty { lines.append("  No changes: the workspace matches git.") }
        lines.append("")
        if !plan.unmanaged.isEmpty {
            lines.append(style.dim("In the workspace but not in git (kept; --prune deletes them): "
                + plan.unmanaged.map(\.description).joined(separator: ", ")))
        }
        lines.append(summaryLine(plan))
        return lines.joined(separator: "\n")
    }

    private func color(_ verb: PlanVerb, _ text: String) -> String {
        switch verb {
        case .create, .build, .submit: style.green(text)
        case .update, .reuse: style.yellow(text)
        case .replace, .delete, .blocked: style.red(text)
        case .noop: style.dim(text)
        }
    }

    private func renderAction(_ action: PlanAction, width: Int) -> [String] {
        let name = action.resource.description
        let padded = name + String(repeating: " ", count: max(1, width - name.count))
        var verbText = action.verb.rawValue
        if action.verb == .blocked {
            verbText = "blocked (\(action.blockedBy?.rule ?? "?"))"
            if let intended = action.intended { verbText += " \(intended.rawValue)" }
        }
        var head = "\(color(action.verb, action.verb.symbol.leftPadded(3))) \(padded)\(color(action.verb, verbText))"
        if let detail = action.detail { head += style.dim("  \(detail)") }
        var lines = [head]
        let showFields = action.verb != .create || action.changes.count <= 12
        if showFields {
            for change in action.changes {
                let from = change.from ?? "(none)", to = change.to ?? "(none)"
                if change.from == nil {
                    lines.append("      \(change.field): \(to)")
                } else {
                    lines.append("      \(change.field): \(style.red(from)) -> \(style.green(to))")
                }
            }
        }
        if let reason = action.blockedBy {
            lines.append("      \(style.red("why:")) \(reason.message)")
            if let fix = reason.fix { lines.append("      \(style.cyan("fix:")) \(fix)") }
        }
        return lines
    }

    /// `Plan: 2 to create, 1 to build, ... 3 unchanged.`
    public func summaryLine(_ plan: Plan) -> String {
        let summary = plan.summary
        let order: [(PlanVerb, String)] = [
            (.create, "to create"), (.update, "to update"), (.replace, "to replace"), (.delete, "to delete"),
            (.build, "to build"), (.reuse, "to reuse"), (.submit, "to submit"), (.blocked, "blocked"), (.noop, "unchanged"),
        ]
        let parts = order.compactMap { verb, words in summary[verb].map { "\($0) \(words)" } }
        return style.bold("Plan: ") + (parts.isEmpty ? "nothing declared." : parts.joined(separator: ", ") + ".")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
