import Foundation
import Manifests
import Planning
import Rendering
import Testing
import Workspaces

@Suite("Pull-request comparison, Markdown and Mermaid")
struct PlanMarkdownTests {
    func at(_ line: Int) -> Manifests.SourceLocation { Manifests.SourceLocation(file: "ml/x.yml", line: line, column: 1) }

    func action(_ kind: ResourceKind, _ name: String, _ verb: PlanVerb, changes: [FieldChange] = [], line: Int = 1, dependsOn: [ResourceID] = []) -> PlanAction {
        PlanAction(resource: ResourceID(kind, name), verb: verb, changes: changes, dependsOn: dependsOn, source: at(line))
    }

    @Test func comparisonSortsResourcesIntoAddedChangedRemovedAndUnchanged() {
        let base = Plan(revision: "b", actions: [
            action(.compute, "same", .noop, line: 3),
            action(.compute, "resized", .create, changes: [FieldChange(field: "max_instances", from: nil, to: "2")]),
            action(.environment, "dropped", .noop),
        ], diagnostics: [])
        let head = Plan(revision: "h", actions: [
            // Moved in its file: not a change of plan.
            action(.compute, "same", .noop, line: 9),
            action(.compute, "resized", .create, changes: [FieldChange(field: "max_instances", from: nil, to: "4")]),
            action(.job, "new", .submit, dependsOn: [ResourceID(.compute, "resized")]),
        ], diagnostics: [])
        let comparison = PlanComparison(base: base, head: head)
        #expect(comparison.unchanged == 1)
        #expect(comparison.entries.map { "\($0.change.rawValue) \($0.resource)" } == [
            "changed compute/resized", "added job/new", "removed environment/dropped",
        ])
        #expect(comparison.entries(.removed).first?.head == nil)
    }

    @Test func mermaidEscapesLabelsDrawsWaitsAndCountsWhatItLeavesOut() {
        var actions = [action(.compute, "cpu \"quoted\" <x>", .create)]
        for index in 0..<30 {
            actions.append(action(.job, "job\(index)", .submit, dependsOn: [ResourceID(.compute, "cpu \"quoted\" <x>")]))
        }
        let plan = Plan(revision: "h", actions: actions, diagnostics: [])
        let graph = MermaidGraph(maxNodes: 10).render(plan, highlight: [ResourceID(.job, "job0")])
        #expect(graph.drawn == 10)
        #expect(graph.omitted == 21)
        #expect(graph.source.hasPrefix("flowchart LR\n"))
        #expect(graph.source.contains("cpu #quot;quoted#quot; #lt;x#gt;"))
        #expect(!graph.source.contains("\"quoted\""))
        // job0 is highlighted, so drawn first; each drawn job waits on the cluster.
        #expect(graph.source.contains("n0[\"job/job0<br/>submit\"]:::add"))
        #expect(graph.source.components(separatedBy: " --> ").count - 1 == 9)
        #expect(graph.source.contains("%% 21 more action(s) not drawn"))
    }

    @Test func markdownStaysWithinAnyLimitWithWholeTablesAndBalancedDetails() {
        var base: [PlanAction] = [], head: [PlanAction] = []
        for index in 0..<300 {
            base.append(action(.environment, "env-\(index)", .noop))
            var built = action(.environment, "env-\(index)", .build, changes: [
                FieldChange(field: "hash", from: "aaaa\(index)", to: "bbbb\(index)"),
                FieldChange(field: "description", from: nil, to: "a | pipe, a ``` fence and <b>html</b>"),
            ])
            if index % 7 == 0 {
                built = built.blocked(by: BlockReason(rule: "immutable-version", message: "exists | differs", fix: "bump it"))
            }
            head.append(built)
        }
        let comparison = PlanComparison(base: Plan(revision: "b", actions: base, diagnostics: []), head: Plan(revision: "h", actions: head, diagnostics: []))
        let context = PlanMarkdown.Context(baseRef: "main", headRef: "pr", path: "ml", workspace: "local workspace at .s", command: "mlgitops plan")
        for limit in [2_000, 5_000, 12_345, 30_000, 60_000] {
            let markdown = PlanMarkdown(limit: limit).render(comparison, context: context)
            #expect(markdown.utf8.count <= limit, "limit \(limit): \(markdown.utf8.count)")
            #expect(markdown.contains("**Plan: "), "the summary always fits (limit \(limit))")
            #expect(markdown.components(separatedBy: "<details>").count == markdown.components(separatedBy: "</details>").count)
            #expect(markdown.components(separatedBy: "```").count % 2 == 1, "fences are balanced (limit \(limit))")
            // Every table row has the header's number of cells.
            var columns: Int?
            for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
                guard line.hasPrefix("|") else {
                    columns = nil
                    continue
                }
                let cells = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
                if let columns { #expect(cells == columns, "limit \(limit): \(line)") } else { columns = cells }
            }
            // Outside code blocks, no HTML from the manifests.
            let prose = markdown.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            #expect(!prose.joined().contains("<b>"), "limit \(limit)")
        }
        let roomy = PlanMarkdown(limit: 60_000).render(comparison, context: context)
        #expect(roomy.contains("#### Blocked actions (43)"))
        #expect(roomy.contains("```mermaid"))
        #expect(roomy.contains("do not fit in this comment"))
    }
}
