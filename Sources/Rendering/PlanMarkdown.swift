public import Planning
import Manifests

/// A pull request's plan as a GitHub (or Azure DevOps) comment in Markdown.
///
/// A comment holds at most 65,536 characters, and a plan of hundreds of resources is longer.
/// So the comment is built in sections by importance, each within a share of ``limit``
/// (measured in UTF-8 bytes, never fewer than characters): the summary, blocked actions,
/// errors and warnings, the table of what the pull request changes, the Mermaid graph and the
/// per-resource diffs. Long sections collapse into `<details>`; rows that do not fit are
/// left out whole and counted in a line saying where to see them, so a table is never cut.
public struct PlanMarkdown: Sendable {
    /// Where the plan came from, for the heading.
    public struct Context: Sendable {
        public var baseRef: String
        public var headRef: String
        /// The repository folder of the manifests.
        public var path: String
        /// The workspace planned against, e.g. `local workspace at .mlgitops`.
        public var workspace: String
        /// A note on the workspace, e.g. that there was no state and an empty one was assumed.
        public var workspaceNote: String?
        /// The command that reproduces the plan locally.
        public var command: String

        public init(baseRef: String, headRef: String, path: String, workspace: String, workspaceNote: String? = nil, command: String) {
            self.baseRef = baseRef
            self.headRef = headRef
            self.path = path
            self.workspace = workspace
            self.workspaceNote = workspaceNote
            self.command = command
        }
    }

    /// The most UTF-8 bytes the comment may have.
    public var limit: Int
    /// Collapse a table into `<details>` past this many rows.
    public var collapseAfterRows: Int

    /// The hidden marker a CI job looks for to update its earlier comment instead of adding one.
    public static let marker = "<!-- mlgitops-plan -->"

    public init(limit: Int = 60_000, collapseAfterRows: Int = 15) {
        self.limit = limit
        self.collapseAfterRows = collapseAfterRows
    }

    public func render(_ comparison: PlanComparison, context: Context) -> String {
        let head = comparison.head
        let footer = footer(context)
        var out = header(comparison, context: context)
        // Shares of the whole; what a section leaves unused goes to the next ones.
        var remaining = limit - out.utf8.count - footer.utf8.count - 64
        func budget(_ share: Double) -> Int { max(0, min(remaining, Int(Double(limit) * share))) }
        func add(_ section: String) {
            guard !section.isEmpty else { return }
            out += section + "\n"
            remaining -= section.utf8.count + 1
        }
        if head.hasErrors {
            add(diagnostics(head.diagnostics, title: "Errors: nothing can be applied", budget: budget(0.5), open: true))
        } else {
            add(blocked(comparison.blocked, budget: budget(0.25)))
            let warnings = head.diagnostics.filter { $0.severity == .warning }
            add(diagnostics(warnings, title: "Warnings", budget: budget(0.1), open: false))
            add(changeTable(comparison, budget: budget(0.3)))
            add(graph(comparison, budget: budget(0.2)))
            add(diffs(comparison, budget: max(0, remaining)))
        }
        return out + footer
    }

    // MARK: Sections

    private func header(_ comparison: PlanComparison, context: Context) -> String {
        let head = comparison.head
        var lines = [Self.marker]
        let headRevision = head.revision.map { " (`\(String($0.prefix(12)))`)" } ?? ""
        let baseRevision = comparison.base.revision.map { " (`\(String($0.prefix(12)))`)" } ?? ""
        lines.append("### mlgitops plan: `\(Self.code(context.headRef))`\(headRevision) against `\(Self.code(context.baseRef))`\(baseRevision)")
        lines.append("")
        lines.append("Manifests in `\(Self.code(context.path))`, planned against the \(Self.text(context.workspace)).")
        if let note = context.workspaceNote { lines.append("_\(Self.text(note))_") }
        lines.append("")
        if head.hasErrors {
            let count = head.diagnostics.filter { $0.severity == .error }.count
            lines.append("**:x: The head has \(count) error(s): no plan.**")
            lines.append("")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("**\(PlanText(style: .plain).summaryLine(head))**")
        lines.append("")
        let counts = PlanComparison.Change.allCases.map { change in "\(comparison.entries(change).count) \(change.rawValue)" }
        lines.append(
            "This pull request changes the plan of \(comparison.entries.count) resource(s): \(counts.joined(separator: ", ")); "
                + "\(comparison.unchanged) planned as on the base.")
        if comparison.base.hasErrors {
            lines.append("")
            lines.append("_The base has errors and was not planned: every resource of the head counts as added._")
        }
        let blocked = head.actions.filter { $0.verb == .blocked }.count
        if blocked > 0 {
            lines.append("")
            lines.append("> [!WARNING]")
            lines.append("> \(blocked) action(s) are blocked: merging applies the rest and reports these until a person resolves them.")
        }
        lines.append("")
        return lines.joined(separator: "\n") + "\n"
    }

    private func footer(_ context: Context) -> String {
        """

        <sub>Reproduce: `\(Self.code(context.command))` · exit codes: 0 no changes, 2 changes, 3 changes with blocked actions, 1 errors</sub>

        """
    }

    private func blocked(_ actions: [PlanAction], budget: Int) -> String {
        guard !actions.isEmpty else { return "" }
        let rows = actions.map { action in
            [
                "`\(Self.code(action.resource.description))`", action.intended?.rawValue ?? "", "`\(Self.code(action.blockedBy?.rule ?? "?"))`",
                Self.cell(action.blockedBy?.message ?? ""), Self.cell(action.blockedBy?.fix ?? ""),
            ]
        }
        return section(
            title: "Blocked actions (\(actions.count))", header: ["Resource", "Would", "Rule", "Why", "Fix"], rows: rows,
            what: "blocked action(s)", budget: budget, open: true)
    }

    private func diagnostics(_ diagnostics: [Diagnostic], title: String, budget: Int, open: Bool) -> String {
        guard !diagnostics.isEmpty else { return "" }
        let rows = diagnostics.map { d in
            [
                "`\(Self.code("\(d.location.file):\(d.location.line)"))`", d.field.map { "`\(Self.code($0))`" } ?? "",
                Self.cell(d.message), Self.cell(d.fix ?? ""),
            ]
        }
        return section(
            title: "\(title) (\(diagnostics.count))", header: ["Where", "Field", "Problem", "Fix"], rows: rows,
            what: "diagnostic(s)", budget: budget, open: open)
    }

    private func changeTable(_ comparison: PlanComparison, budget: Int) -> String {
        guard !comparison.entries.isEmpty else { return "No resource is planned differently than on the base.\n" }
        let rows = comparison.entries.map { entry -> [String] in
            let head = entry.head.map(Self.verbText) ?? "(not declared)"
            let base = entry.base.map(Self.verbText) ?? "(not declared)"
            let detail = entry.head?.detail ?? entry.base?.detail ?? ""
            return [
                "`\(Self.code(entry.resource.description))`", entry.change.rawValue, base, "**\(head)**", Self.cell(detail),
            ]
        }
        return section(
            title: "Resources this pull request changes (\(comparison.entries.count))",
            header: ["Resource", "In this PR", "Base plan", "Head plan", "Detail"], rows: rows, what: "resource(s)",
            budget: budget, open: comparison.entries.count <= collapseAfterRows)
    }

    private func graph(_ comparison: PlanComparison, budget: Int) -> String {
        guard comparison.head.hasChanges else { return "" }
        let highlight = Set(comparison.entries.map(\.resource))
        // Fewer nodes until it fits: a graph is never cut.
        var nodes = 80
        while nodes >= 5 {
            let rendering = MermaidGraph(maxNodes: nodes).render(comparison.head, highlight: highlight)
            var body = "```mermaid\n\(rendering.source)\n```\n"
            body += "\nArrows point from an action to the actions that wait on it; thick borders: changed by this pull request."
            if rendering.omitted > 0 {
                body += " \(rendering.omitted) more action(s) are not drawn (`--format json` lists every `dependsOn`)."
            }
            body += "\n"
            let text = collapsible("Actions and what waits on what (\(rendering.drawn) drawn)", body: body, open: rendering.drawn <= 25)
            if text.utf8.count <= budget { return text }
            nodes = nodes * 2 / 3
        }
        return "_The graph of actions does not fit in this comment: see `--format json` (`dependsOn`)._\n"
    }

    private func diffs(_ comparison: PlanComparison, budget: Int) -> String {
        let withDiff = comparison.entries.filter { entry in
            entry.head.map { !$0.changes.isEmpty || $0.blockedBy != nil || !(entry.base?.changes.isEmpty ?? true) } ?? true
        }
        guard !withDiff.isEmpty else { return "" }
        let open = "<details>\n<summary>Resource diffs (\(withDiff.count))</summary>\n\n"
        let close = "</details>\n"
        var body = ""
        var shown = 0
        let overflowReserve = 240
        for entry in withDiff {
            let block = diffBlock(entry)
            if open.utf8.count + body.utf8.count + block.utf8.count + close.utf8.count + overflowReserve > budget { break }
            body += block
            shown += 1
        }
        if shown == 0 && budget < open.utf8.count + close.utf8.count + overflowReserve { return "" }
        if shown < withDiff.count {
            body += "_\(withDiff.count - shown) more diff(s) do not fit in this comment: run the command below or use `--format json`._\n\n"
        }
        return open + body + close
    }

    private func diffBlock(_ entry: PlanComparison.Entry) -> String {
        var lines = ["**`\(Self.code(entry.resource.description))`** (\(entry.change.rawValue))", "", "```diff"]
        if let head = entry.head, let base = entry.base {
            // What the pull request changes in the plan: the head's values against the base's.
            lines.append("# base: \(Self.fenced(Self.verbText(base))), head: \(Self.fenced(Self.verbText(head)))"
                + (head.detail.map { ": \(Self.fenced($0))" } ?? ""))
            let before = Dictionary(base.changes.map { ($0.field, $0.to ?? $0.from) }, uniquingKeysWith: { a, _ in a })
            let after = Set(head.changes.map(\.field))
            for change in head.changes {
                let value = change.to ?? change.from
                switch (before[change.field] ?? nil, value) {
                case (let old?, let new?) where old == new: lines.append("  \(Self.fenced(change.field)): \(Self.fenced(new))")
                case (let old, let new):
                    if let old { lines.append("- \(Self.fenced(change.field)): \(Self.fenced(old))") }
                    if let new { lines.append("+ \(Self.fenced(change.field)): \(Self.fenced(new))") }
                }
            }
            for change in base.changes where !after.contains(change.field) {
                lines.append("- \(Self.fenced(change.field)): \(Self.fenced(change.to ?? change.from ?? ""))")
            }
            if let reason = head.blockedBy {
                lines.append("! \(Self.fenced(reason.rule)): \(Self.fenced(reason.message))")
                if let fix = reason.fix { lines.append("! fix: \(Self.fenced(fix))") }
            }
        } else if let head = entry.head {
            lines.append("# \(Self.fenced(Self.verbText(head)))" + (head.detail.map { ": \(Self.fenced($0))" } ?? ""))
            for change in head.changes {
                switch (change.from, change.to) {
                case (let from?, let to?):
                    lines.append("- \(Self.fenced(change.field)): \(Self.fenced(from))")
                    lines.append("+ \(Self.fenced(change.field)): \(Self.fenced(to))")
                case (nil, let to?): lines.append("+ \(Self.fenced(change.field)): \(Self.fenced(to))")
                case (let from?, nil): lines.append("- \(Self.fenced(change.field)): \(Self.fenced(from))")
                case (nil, nil): lines.append("  \(Self.fenced(change.field))")
                }
            }
            if let reason = head.blockedBy {
                lines.append("! \(Self.fenced(reason.rule)): \(Self.fenced(reason.message))")
                if let fix = reason.fix { lines.append("! fix: \(Self.fenced(fix))") }
            }
        } else if let base = entry.base {
            lines.append("- no longer declared (the base planned \(Self.fenced(Self.verbText(base))))")
            lines.append("  kept in the workspace unless reconciled with --prune")
        }
        lines.append("```")
        lines.append("")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Building blocks

    /// A titled table of `rows`, collapsed unless `open`; rows that do not fit in `budget` are
    /// left out whole and counted.
    private func section(
        title: String, header: [String], rows: [[String]], what: String, budget: Int, open: Bool
    ) -> String {
        let headLines = "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
        let overflowReserve = 200
        let wrapper = collapsible(title, body: "", open: open).utf8.count
        var table = headLines
        var shown = 0
        for row in rows {
            let line = "| " + row.joined(separator: " | ") + " |\n"
            if wrapper + table.utf8.count + line.utf8.count + overflowReserve > budget { break }
            table += line
            shown += 1
        }
        if shown == 0 {
            return budget > 300
                ? "**\(title)**: too many to show here; run the command below or use `--format json`.\n\n" : ""
        }
        if shown < rows.count {
            table += "\n_\(rows.count - shown) more \(what) do not fit in this comment: run the command below or use `--format json`._\n"
        }
        return collapsible(title, body: table, open: open)
    }

    /// `#### title` and `body` when open; a `<details>` block when not. The blank lines around
    /// the body let Markdown inside HTML blocks render (CommonMark ends an HTML block at one).
    private func collapsible(_ title: String, body: String, open: Bool) -> String {
        if open { return "#### \(title)\n\n\(body)\n" }
        return "<details>\n<summary>\(title)</summary>\n\n\(body)\n</details>\n\n"
    }

    static func verbText(_ action: PlanAction) -> String {
        if action.verb == .blocked {
            return "blocked (\(action.blockedBy?.rule ?? "?"))" + (action.intended.map { " \($0.rawValue)" } ?? "")
        }
        return action.verb == .noop ? "unchanged" : action.verb.rawValue
    }

    /// Text for a table cell: one line, pipes escaped, no HTML.
    static func cell(_ text: String) -> String {
        var out = Self.text(text).replacingOccurrences(of: "|", with: "\\|")
        if out.count > 300 { out = String(out.prefix(299)) + "…" }
        return out
    }

    /// Text outside code: one line, no HTML.
    static func text(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
    }

    /// Text inside a code span in a table: no backticks, one line, pipes escaped.
    static func code(_ text: String) -> String {
        text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|")
    }

    /// Text inside a fenced block: a line of backticks would close the fence.
    static func fenced(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "```", with: "'''").replacingOccurrences(of: "\n", with: " ")
        if out.count > 300 { out = String(out.prefix(299)) + "…" }
        return out
    }
}
