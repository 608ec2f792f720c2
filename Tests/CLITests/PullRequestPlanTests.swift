import Foundation
import TestSupport
import Testing

/// `plan --base --head`: a pull request's plan as a comment that fits GitHub's limit and
/// renders, as JSON and as text, with exit codes a CI can gate on.
@Suite("Pull-request plan")
struct PullRequestPlanTests {
    static let environmentCount = 150

    /// A base with one cluster and 150 environments, reconciled; a branch `pr` that changes 100
    /// environments, drops 50, adds 50 jobs and resizes the (create-only) cluster: 201 resources.
    static func pullRequest() async throws -> (ScratchRepository, state: String) {
        let repo = try ScratchRepository()
        try repo.write("ml/clusters/cpu.yml", cluster(size: "Standard_DS3_v2"))
        for index in 0..<environmentCount {
            try repo.write("ml/environments/env\(index).yml", environment(index, tag: "v1"))
        }
        try repo.commitAll("base")
        let state = repo.path + "/.state"
        let applied = try await MLGitOpsBinary.run(["reconcile", "--repo", repo.path, "--path", "ml", "--state", state], in: repo.path)
        #expect(applied.status == 0, "\(applied.output)")

        try repo.git("checkout", "-q", "-b", "pr")
        try repo.write("ml/clusters/cpu.yml", cluster(size: "Standard_DS4_v2"))
        for index in 0..<100 { try repo.write("ml/environments/env\(index).yml", environment(index, tag: "v2")) }
        for index in 100..<150 { try repo.remove("ml/environments/env\(index).yml") }
        for index in 0..<50 {
            try repo.write("ml/jobs/job\(index).yml", """
                $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
                type: command
                command: echo \(index)
                environment: azureml:env-\(index)@latest
                compute: azureml:cpu-cluster
                """)
        }
        try repo.commitAll("a pull request of 201 changes")
        return (repo, state)
    }

    static func cluster(size: String) -> String {
        """
        $schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json
        name: cpu-cluster
        type: amlcompute
        size: \(size)
        min_instances: 0
        max_instances: 2
        """
    }

    static func environment(_ index: Int, tag: String) -> String {
        """
        $schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json
        name: env-\(index)
        image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.\(tag)-\(index)
        description: environment number \(index) | with a pipe and <angle> brackets
        """
    }

    @Test func markdownOfTwoHundredChangesFitsAndRenders() async throws {
        let (repo, state) = try await Self.pullRequest()
        let arguments = ["plan", "--repo", repo.path, "--path", "ml", "--state", state, "--base", "main", "--head", "pr"]
        let result = try await MLGitOpsBinary.run(arguments + ["--format", "markdown"], in: repo.path)
        // Changes, some blocked (the resized cluster is create-only).
        #expect(result.status == 3, "\(result.stderr)")
        let markdown = result.stdout
        #expect(markdown.utf8.count < 65_536)
        #expect(markdown.count > 20_000, "a 201-resource plan fills the comment")
        #expect(markdown.contains("```mermaid\nflowchart LR"))
        #expect(markdown.contains("create-only"))
        #expect(markdown.contains("201 resource(s): 50 added, 101 changed, 50 removed"), "\(markdown.prefix(1_500))")

        let report = try await MarkdownCheck.parse(markdown)
        #expect(report.error == nil, "\(report.error ?? "")")
        #expect(report.detailsOpened == report.detailsClosed)
        #expect(report.detailsOpened >= 2)
        #expect(report.fences.contains("mermaid"))
        #expect(report.mermaidStartsWithFlowchart)
        #expect(report.tables.count >= 2, "blocked actions and the resources table parse as tables")
        for table in report.tables {
            #expect(table.sourceRows == table.parsedRows, "every source row is a table row: \(table)")
            #expect(table.cellCounts.allSatisfy { $0 == table.columns }, "no row cut or merged: \(table)")
        }
        #expect(report.text.contains("compute/cpu-cluster"))

        // A smaller limit still gives whole tables and balanced details.
        let small = try await MLGitOpsBinary.run(arguments + ["--format", "markdown", "--max-length", "8000"], in: repo.path)
        #expect(small.stdout.utf8.count <= 8_000)
        #expect(small.stdout.contains("do not fit in this comment"), "the overflow is summarised")
        #expect(small.stdout.contains("**Plan: "), "the summary always fits")
        let smallReport = try await MarkdownCheck.parse(small.stdout)
        #expect(smallReport.detailsOpened == smallReport.detailsClosed)
        for table in smallReport.tables {
            #expect(table.sourceRows == table.parsedRows)
            #expect(table.cellCounts.allSatisfy { $0 == table.columns })
        }
        // Nothing was applied by planning.
        let again = try await MLGitOpsBinary.run(["plan", "--repo", repo.path, "--path", "ml", "--state", state, "--ref", "main", "--detailed-exitcode"], in: repo.path)
        #expect(again.status == 0, "\(again.output)")
    }

    @Test func jsonAndTextShowWhatThePullRequestChanges() async throws {
        let (repo, state) = try await Self.pullRequest()
        let arguments = ["plan", "--repo", repo.path, "--path", "ml", "--state", state, "--base", "main", "--head", "pr"]
        let json = try await MLGitOpsBinary.run(arguments + ["--format", "json"], in: repo.path)
        #expect(json.status == 3)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["formatVersion"] as? Int == 1)
        #expect(document["exitCode"] as? Int == 3)
        let pullRequest = try #require(document["pullRequest"] as? [String: Any])
        #expect(pullRequest["added"] as? Int == 50)
        #expect(pullRequest["changed"] as? Int == 101)
        #expect(pullRequest["removed"] as? Int == 50)
        let entries = pullRequest["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 201)
        let blocked = document["blocked"] as? [[String: Any]] ?? []
        #expect(blocked.map { $0["resource"] as? String } == ["compute/cpu-cluster"])
        let job = entries.first { $0["resource"] as? String == "job/jobs-job0" }
        let head = job?["head"] as? [String: Any]
        #expect(head?["action"] as? String == "submit")
        #expect((head?["dependsOn"] as? [String])?.contains("environment/env-0") == true)

        let text = try await MLGitOpsBinary.run(arguments + ["--format", "text"], in: repo.path)
        #expect(text.status == 3)
        #expect(text.stdout.contains("Changed by pr relative to main"))
        #expect(text.stdout.contains("removed environment/env-149"))

        // The base against itself: nothing to do (exit 0) after the base was applied.
        let same = try await MLGitOpsBinary.run(
            ["plan", "--repo", repo.path, "--path", "ml", "--state", state, "--base", "main", "--head", "main", "--format", "markdown"],
            in: repo.path)
        #expect(same.status == 0, "\(same.output)")
        #expect(same.stdout.contains("No resource is planned differently"))

        // An unknown base is an error that names it.
        let bad = try await MLGitOpsBinary.run(arguments.map { $0 == "main" ? "no-such-branch" : $0 } + ["--format", "markdown"], in: repo.path)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("no-such-branch"), "\(bad.stderr)")
    }

    @Test func headWithErrorsExitsOneAndSaysWhere() async throws {
        let repo = try ScratchRepository()
        try repo.write("ml/clusters/cpu.yml", Self.cluster(size: "Standard_DS3_v2"))
        try repo.commitAll("base")
        try repo.git("checkout", "-q", "-b", "pr")
        try repo.write("ml/clusters/cpu.yml", Self.cluster(size: "Standard_DS3_v2") + "\nmax_instances: lots\n")
        try repo.commitAll("broken")
        let state = repo.path + "/.state"
        let result = try await MLGitOpsBinary.run(
            ["plan", "--repo", repo.path, "--path", "ml", "--state", state, "--base", "main", "--head", "pr", "--format", "markdown"],
            in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error(s): no plan"))
        #expect(result.stdout.contains("ml/clusters/cpu.yml"))
        #expect(!FileManager.default.fileExists(atPath: state), "a review never creates the state")
    }
}

/// Parses Markdown with markdown-it-py (CommonMark + GFM tables, HTML allowed, as GitHub does)
/// and reports its structure.
enum MarkdownCheck {
    struct Table: Sendable, CustomStringConvertible {
        var columns: Int
        var sourceRows: Int
        var parsedRows: Int
        var cellCounts: [Int]
        var description: String { "columns \(columns), source rows \(sourceRows), parsed rows \(parsedRows)" }
    }

    struct Report: Sendable {
        var error: String?
        var tables: [Table] = []
        var detailsOpened = 0
        var detailsClosed = 0
        var fences: [String] = []
        var mermaidStartsWithFlowchart = false
        var text = ""
    }

    static let script = #"""
        import json, re, sys
        from markdown_it import MarkdownIt
        source = open(sys.argv[1], encoding="utf-8").read()
        md = MarkdownIt("commonmark", {"html": True}).enable("table")
        tokens = md.parse(source)
        html = md.render(source)
        lines = source.split("\n")
        tables, fences, opened, closed, text = [], [], 0, 0, []
        def cells(line):
            body = re.sub(r"\\\|", "", line.strip())
            return body.strip("|").count("|") + 1
        for i, t in enumerate(tokens):
            if t.type == "table_open":
                start, end = t.map
                rows = [l for l in lines[start:end] if l.strip()]
                header = cells(rows[0])
                parsed = 0
                j = i
                while tokens[j].type != "table_close":
                    if tokens[j].type == "tr_open":
                        parsed += 1
                    j += 1
                tables.append({"columns": header, "sourceRows": len(rows) - 1, "parsedRows": parsed,
                               "cellCounts": [cells(r) for r in rows[:1] + rows[2:]]})
            if t.type in ("html_block", "html_inline"):
                opened += t.content.count("<details>")
                closed += t.content.count("</details>")
            if t.type == "fence":
                fences.append(t.info)
                if t.info == "mermaid":
                    mermaid = t.content.startswith("flowchart")
            if t.type == "inline":
                text.append(t.content)
        print(json.dumps({"tables": tables, "opened": opened, "closed": closed, "fences": fences,
                          "mermaid": "mermaid" in fences and mermaid, "text": "\n".join(text), "htmlLength": len(html)}))
        """#

    /// The Python that has markdown-it-py (Debian's python3-markdown-it, installed by
    /// `scripts/install-deps.sh --tests`, goes with /usr/bin/python3).
    static func python() async throws -> String? {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "/root/.pyenv/shims/python3"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            let probe = try await ChildProcess.run(candidate, ["-c", "import markdown_it"], in: "/")
            if probe.status == 0 { return candidate }
        }
        return nil
    }

    static func parse(_ markdown: String) async throws -> Report {
        guard let python = try await python() else {
            return Report(error: "markdown-it-py is missing: run scripts/install-deps.sh --tests (python3-markdown-it)")
        }
        let directory = try ScratchDirectory()
        let input = directory.path + "/comment.md", program = directory.path + "/check.py"
        try markdown.write(toFile: input, atomically: true, encoding: .utf8)
        try script.write(toFile: program, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(python, [program, input], in: directory.path)
        guard result.status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { return Report(error: "markdown-it-py failed: \(result.output)") }
        var report = Report()
        report.detailsOpened = object["opened"] as? Int ?? -1
        report.detailsClosed = object["closed"] as? Int ?? -2
        report.fences = object["fences"] as? [String] ?? []
        report.mermaidStartsWithFlowchart = object["mermaid"] as? Bool ?? false
        report.text = object["text"] as? String ?? ""
        report.tables = (object["tables"] as? [[String: Any]] ?? []).map {
            Table(
                columns: $0["columns"] as? Int ?? 0, sourceRows: $0["sourceRows"] as? Int ?? -1,
                parsedRows: $0["parsedRows"] as? Int ?? -2, cellCounts: $0["cellCounts"] as? [Int] ?? [])
        }
        return report
    }
}
