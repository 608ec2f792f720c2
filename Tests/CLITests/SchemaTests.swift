import Foundation
import TestSupport
import Testing

/// The JSON Schemas in `schemas/` checked by a real JSON Schema validator (`schemas/validate.py`,
/// Python's `jsonschema` with Draft202012Validator) against the example repository, hand-made
/// broken files and the Azure ML corpus.
@Suite("JSON Schemas")
struct SchemaTests {
    /// The package root: this file is `Tests/CLITests/SchemaTests.swift`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = root.appendingPathComponent("examples-repo")
    static let schemaNames = [
        "amlcompute", "command-job", "conda", "environment", "pipeline-job", "quota-policy", "resource-lock",
        "schedule",
    ]

    @Test("every schema is valid JSON Schema draft 2020-12 and describes every property")
    func schemasAreValidDraft202012() async throws {
        let run = try await Validator.run(["--check-schemas"])
        #expect(run.status == 0, "\(run.output)")
        for name in Self.schemaNames {
            #expect(
                run.lines.contains { $0.hasPrefix("OK") && $0.contains("\(name).schema.json")
                    && $0.contains("https://mlgitops.dev/schemas/\(name).schema.json") },
                "\(name).schema.json was not checked:\n\(run.output)")
        }
    }

    @Test("the committed schemas are what schemas/generate.py writes")
    func schemasAreGenerated() async throws {
        let run = try await Validator.python(["schemas/generate.py", "--check"])
        #expect(run.status == 0, "\(run.output)")
    }

    @Test("every YAML file of examples-repo validates against the schema of its kind")
    func everyExampleFileValidates() async throws {
        let run = try await Validator.run(["examples-repo"])
        #expect(run.status == 0, "\(run.output)")
        let files = try yamlFiles(under: Self.examples)
        #expect(files.count == 9, "examples-repo holds \(files)")
        let expectedSchema = [
            "clusters/cpu-cluster.yml": "amlcompute", "clusters/gpu-cluster.yml": "amlcompute",
            "environments/sklearn-env.yml": "environment", "environments/custom-scorer-env.yml": "environment",
            "environments/conda/sklearn.yml": "conda", "pipelines/nightly-scoring.yml": "pipeline-job",
            "schedules/nightly.yml": "schedule", "policies/quota.yml": "quota-policy",
            "policies/locks.yml": "resource-lock",
        ]
        for file in files {
            let line = run.lines.first { $0.hasSuffix("examples-repo/\(file)") }
            #expect(line?.hasPrefix("OK") == true, "\(file) was not validated OK:\n\(run.output)")
            if let schema = expectedSchema[file] {
                #expect(line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
                    == Substring(schema), "\(file) should be checked with \(schema): \(line ?? "no line")")
            } else {
                Issue.record("\(file) has no expected schema in this test")
            }
        }
        #expect(run.lines.last == "== \(files.count) ok, 0 failed, 0 skipped", "\(run.output)")
    }

    @Test("an unknown top-level key in a cluster fails, and the untouched cluster passes")
    func unknownTopLevelKeyInClusterFails() async throws {
        let folder = try TemporaryFolder()
        let original = try String(
            contentsOf: Self.examples.appendingPathComponent("clusters/cpu-cluster.yml"), encoding: .utf8)
        try folder.write("good.yml", original)
        try folder.write("typo.yml", original + "max_nodes: 3\n")

        let good = try await Validator.run([folder.path("good.yml")])
        #expect(good.status == 0, "\(good.output)")

        let typo = try await Validator.run([folder.path("typo.yml")])
        #expect(typo.status == 1, "\(typo.output)")
        #expect(typo.lines.first?.hasPrefix("FAIL  amlcompute") == true, "\(typo.output)")
        #expect(typo.output.contains("max_nodes: unknown key 'max_nodes'"), "\(typo.output)")
    }

    /// A one-line edit of an example file that the SDK (or, for our own kinds, the product) rejects.
    struct Breakage: CustomTestStringConvertible, Sendable {
        let file: String
        let replace: String
        let with: String
        let expectedMessage: String
        var testDescription: String { "\(file): \(with.replacingOccurrences(of: "\n", with: " / "))" }
    }

    static let breakages = [
        Breakage(
            file: "clusters/gpu-cluster.yml", replace: "tier: low_priority", with: "tier: spot",
            expectedMessage: "'spot' is not one of dedicated, low_priority"),
        Breakage(
            file: "environments/sklearn-env.yml", replace: "os_type: linux", with: "os_type: linux\nchannels: [x]",
            expectedMessage: "channels and dependencies belong in the conda file"),
        Breakage(
            file: "pipelines/nightly-scoring.yml", replace: "logging_level: INFO", with: "logging_level: info",
            expectedMessage: "'info' is not one of ['DEBUG', 'INFO', 'WARNING']"),
        Breakage(
            file: "pipelines/nightly-scoring.yml", replace: "mini_batch_size: \"2\"", with: "mini_batch_size: 2",
            expectedMessage: "jobs.score.mini_batch_size: 2 is not of type 'string'"),
        Breakage(
            file: "pipelines/nightly-scoring.yml", replace: "    code: ../src/prep", with: "    cod: ../src/prep",
            expectedMessage: "jobs.prep.cod: unknown key 'cod'"),
        Breakage(
            file: "pipelines/nightly-scoring.yml", replace: "default_compute: azureml:cpu-cluster",
            with: "default_compute: cpu-cluster", expectedMessage: "settings.default_compute"),
        Breakage(
            file: "schedules/nightly.yml", replace: "  type: cron", with: "  type: cron\n  every: day",
            expectedMessage: "trigger"),
        Breakage(
            file: "policies/quota.yml", replace: "scope: workspace", with: "scope: region",
            expectedMessage: "scope: 'region' is not one of ['workspace', 'subscription']"),
        Breakage(
            file: "policies/quota.yml", replace: "dedicated_cores: 24", with: "dedicated_cores: -24",
            expectedMessage: "-24 is less than the minimum of 0"),
        Breakage(
            file: "policies/locks.yml", replace: "level: CanNotDelete", with: "level: cannotdelete",
            expectedMessage: "'cannotdelete' is not one of ['CanNotDelete', 'ReadOnly']"),
        Breakage(
            file: "policies/locks.yml", replace: "scope: compute/gpu-cluster", with: "scope: cluster/gpu-cluster",
            expectedMessage: "scope: 'cluster/gpu-cluster' does not match"),
        Breakage(
            file: "policies/locks.yml", replace: "scope: compute/gpu-cluster",
            with: "scope: compute/5f3a-azurebatch-cloudservicepublicip",
            expectedMessage: "scope: 'compute/5f3a-azurebatch-cloudservicepublicip' does not match"),
        Breakage(
            file: "policies/quota.yml", replace: "max_nodes_per_cluster: 100", with: "max_nodes_per_cluster: 0",
            expectedMessage: "0 is less than the minimum of 1"),
        Breakage(
            file: "policies/quota.yml", replace: "    - family: standardDSv2Family", with: "    - name: standardDSv2Family",
            expectedMessage: "'family' is a required property"),
        Breakage(
            file: "policies/quota.yml", replace: "total_low_priority_cores: 24", with: "total_spot_cores: 24",
            expectedMessage: "unknown key 'total_spot_cores'"),
    ]

    @Test("a broken copy of an example fails with a message that names the field", arguments: breakages)
    func brokenExampleFails(_ breakage: Breakage) async throws {
        let original = try String(
            contentsOf: Self.examples.appendingPathComponent(breakage.file), encoding: .utf8)
        #expect(original.contains(breakage.replace), "the example no longer contains \(breakage.replace)")
        let folder = try TemporaryFolder()
        try folder.write(
            "broken.yml", original.replacingOccurrences(of: breakage.replace, with: breakage.with))
        let run = try await Validator.run([folder.path("broken.yml")])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains(breakage.expectedMessage), "\(run.output)")
    }

    /// `shared/corpus/azureml-examples` (override with MLGITOPS_CORPUS): real Azure ML files with the
    /// SDK's verdict for each.
    static let corpus = ProcessInfo.processInfo.environment["MLGITOPS_CORPUS"]
        ?? "/work/shared/corpus/azureml-examples"

    @Test(
        "every corpus file of our kinds that the SDK accepts validates",
        .enabled(if: FileManager.default.fileExists(atPath: corpus + "/expected.jsonl")))
    func corpusFilesTheSDKAcceptsValidate() async throws {
        let kinds: Set<String> = ["compute", "environment", "command_job", "pipeline_job", "schedule"]
        let jsonl = try String(contentsOfFile: Self.corpus + "/expected.jsonl", encoding: .utf8)
        var accepted: [String] = []
        for line in jsonl.split(separator: "\n") {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if let kind = record?["kind"] as? String, kinds.contains(kind), record?["verdict"] as? String == "OK",
                let path = record?["path"] as? String
            {
                accepted.append(Self.corpus + "/" + path)
            }
        }
        #expect(accepted.count >= 100, "the corpus lists only \(accepted.count) accepted files")
        let run = try await Validator.run(accepted)
        #expect(run.status == 0, "\(run.lines.filter { !$0.hasPrefix("OK") }.joined(separator: "\n"))")
        #expect(run.lines.last == "== \(accepted.count) ok, 0 failed, 0 skipped", "\(run.lines.last ?? "")")
    }

    private func yamlFiles(under folder: URL) throws -> [String] {
        let base = folder.standardizedFileURL.path + "/"
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var files: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            if ["yml", "yaml"].contains(url.pathExtension) {
                files.append(String(url.standardizedFileURL.path.dropFirst(base.count)))
            }
        }
        return files.sorted()
    }
}

extension SchemaTests {
    /// Runs `schemas/validate.py` (or another script of the package) with python3.
    enum Validator {
        struct Run {
            let status: Int32
            let output: String
            var lines: [String] { output.split(separator: "\n").map(String.init) }
        }

        static func run(_ arguments: [String]) async throws -> Run {
            try await python(["schemas/validate.py"] + arguments)
        }

        static func python(_ arguments: [String]) async throws -> Run {
            let result = try await ChildProcess.run("/usr/bin/env", ["python3"] + arguments, in: SchemaTests.root.path)
            let output = result.stdout + result.stderr
            if output.contains("ModuleNotFoundError") {
                Issue.record(
                    "python3 lacks jsonschema or PyYAML: apt-get install -y python3-jsonschema python3-yaml\n\(output)")
            }
            return Run(status: result.status, output: output)
        }
    }

    /// A folder in the temporary directory, removed when the value goes away.
    final class TemporaryFolder {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("mlgitops-schema-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        func path(_ name: String) -> String { url.appendingPathComponent(name).path }

        func write(_ name: String, _ text: String) throws {
            try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }
}

extension SchemaTests {
    /// The ```yaml blocks of a docs page.
    static func yamlExamples(in page: String) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/\(page)"), encoding: .utf8)
        var examples: [String] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if current == nil, line == "```yaml" {
                current = []
            } else if current != nil, line == "```" {
                examples.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return examples
    }

    @Test("every example of the policy pages validates against its schema and with mlgitops validate")
    func policyPageExamplesValidate() async throws {
        let folder = try TemporaryFolder()
        let repo = try ScratchRepository()
        var files: [String] = []
        for page in ["quota-policies.md", "resource-locks.md"] {
            let examples = try Self.yamlExamples(in: page)
            #expect(examples.count >= 3, "\(page) has \(examples.count) YAML examples")
            for (index, example) in examples.enumerated() {
                let name = "\(page.replacingOccurrences(of: ".md", with: ""))-\(index).yml"
                try folder.write(name, example)
                try repo.write("ml/\(name)", example)
                files.append(folder.path(name))
            }
        }
        let run = try await Validator.run(files)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.lines.last == "== \(files.count) ok, 0 failed, 0 skipped", "\(run.output)")
        #expect(run.lines.filter { $0.hasPrefix("OK    quota-policy") || $0.hasPrefix("OK    resource-lock") }.count == files.count,
                "\(run.output)")

        try repo.commitAll("the documentation's examples")
        let validate = try await MLGitOpsBinary.run(["validate", "--repo", repo.path, "--path", "ml"], in: repo.path)
        #expect(validate.status == 0, "\(validate.output)")
        #expect(!validate.stdout.contains("error"), "\(validate.stdout)")
    }
}
