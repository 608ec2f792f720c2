import Foundation
import TestSupport
import Testing

/// Bad input: exit 1, file:line diagnostics, nothing changed in the state.
@Suite("Malformed input changes nothing", .serialized)
struct MalformedInputTests {
    /// Applies the good fixture, then commits `breakage` and reconciles again: the reconcile
    /// must fail with a diagnostic naming `file` and leave the state files byte-identical.
    func expectRejected(file: String, mentioning needle: String, _ breakage: (ScratchRepository) throws -> Void) async throws {
        let repo = try ScratchRepository()
        try MLRepositoryFixture.write(into: repo)
        try repo.commitAll("good")
        let state = repo.path + "/.state"
        let first = try await MLGitOpsBinary.run(["reconcile", "--repo", repo.path, "--path", "ml", "--state", state], in: repo.path)
        #expect(first.status == 0, "\(first.output)")
        let before = try await stateFingerprint(state)

        try breakage(repo)
        try repo.commitAll("broken")
        let result = try await MLGitOpsBinary.run(["reconcile", "--repo", repo.path, "--path", "ml", "--state", state], in: repo.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains(file), "the diagnostic names the file: \(result.output)")
        #expect(result.output.contains(needle), "the diagnostic says what is wrong: \(result.output)")
        let located = result.output.split(separator: "\n").contains { $0.contains("\(file):") && $0.contains("error") }
        #expect(located, "a file:line:column error line: \(result.output)")
        #expect(try await stateFingerprint(state) == before, "nothing in the state changed")

        let validate = try await MLGitOpsBinary.json(["validate", "--repo", repo.path, "--path", "ml"], in: repo.path)
        #expect(validate.0.status == 1)
        let diagnostics = validate.1["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { ($0["file"] as? String)?.hasSuffix(file) == true && ($0["line"] as? Int ?? 0) > 0 })
    }

    /// The workspace's observable content (rows, not SQLite's page layout).
    func stateFingerprint(_ state: String) async throws -> String {
        let status = try await MLGitOpsBinary.run(["status", "--state", state, "--output", "json"], in: state)
        let history = try await MLGitOpsBinary.run(["history", "--state", state, "--output", "json"], in: state)
        return status.stdout + history.stdout
    }

    @Test func badYAML() async throws {
        try await expectRejected(file: "ml/clusters/cpu.yml", mentioning: "invalid YAML") { repo in
            try repo.write("ml/clusters/cpu.yml", "name: cpu-cluster\ntype: amlcompute\nsize: [unclosed\n")
        }
    }

    @Test func unknownKey() async throws {
        try await expectRejected(file: "ml/clusters/cpu.yml", mentioning: "max_nodes") { repo in
            try repo.write("ml/clusters/cpu.yml", "name: cpu-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_nodes: 4\n")
        }
    }

    @Test func missingCodeFolder() async throws {
        try await expectRejected(file: "ml/pipelines/train.yml", mentioning: "src/train") { repo in
            try repo.remove("ml/src/train")
        }
    }

    @Test func pathEscapingTheRepository() async throws {
        try await expectRejected(file: "ml/environments/train.yml", mentioning: "..") { repo in
            try repo.write("ml/environments/train.yml", """
                name: train-env
                image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1
                conda_file: ../../../../etc/conda.yml
                """)
        }
    }

    @Test func unresolvedBinding() async throws {
        try await expectRejected(file: "ml/pipelines/score.yml", mentioning: "nope") { repo in
            let text = try String(contentsOfFile: repo.path + "/ml/pipelines/score.yml", encoding: .utf8)
            try repo.write("ml/pipelines/score.yml", text.replacingOccurrences(of: "${{parent.inputs.rate}}", with: "${{parent.inputs.nope}}"))
        }
    }

    @Test func reservedEnvironmentName() async throws {
        try await expectRejected(file: "ml/environments/score.yml", mentioning: "AzureML-") { repo in
            try repo.write("ml/environments/score.yml", """
                name: AzureML-sklearn
                image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1
                """)
        }
    }
}
