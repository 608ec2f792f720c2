import Foundation
import TestSupport
import Testing

/// `mlgitops` as a user runs it: a real repository, the built binary, a real state folder.
@Suite("Reconcile end to end", .serialized)
struct ReconcileEndToEndTests {
    let repo: ScratchRepository
    let state: String

    init() throws {
        repo = try ScratchRepository()
        try MLRepositoryFixture.write(into: repo)
        try repo.commitAll("initial desired state")
        state = repo.path + "/.state"
    }

    func plan() async throws -> (MLGitOpsBinary.Result, [String: Any]) {
        try await MLGitOpsBinary.json(["plan", "--repo", repo.path, "--path", "ml", "--state", state], in: repo.path)
    }

    func actions(_ document: [String: Any]) -> [[String: Any]] { document["actions"] as? [[String: Any]] ?? [] }

    func verbs(_ document: [String: Any], _ verb: String) -> [String] {
        actions(document).filter { $0["action"] as? String == verb }.compactMap { $0["resource"] as? String }.sorted()
    }

    func apply(_ extra: [String] = []) async throws -> MLGitOpsBinary.Result {
        try await MLGitOpsBinary.run(["reconcile", "--repo", repo.path, "--path", "ml", "--state", state] + extra, in: repo.path)
    }

    @Test func planApplyAndPlanAgainConverges() async throws {
        let (first, document) = try await plan()
        #expect(first.status == 0, "\(first.output)")
        #expect(verbs(document, "create") == ["compute/cpu-cluster"])
        #expect(verbs(document, "build") == ["environment/score-env", "environment/train-env"])
        #expect(verbs(document, "submit").count == 2)
        #expect(document["formatVersion"] as? Int == 1)

        let applied = try await apply()
        #expect(applied.status == 0, "\(applied.output)")
        let again = try await MLGitOpsBinary.run(
            ["plan", "--repo", repo.path, "--path", "ml", "--state", state, "--detailed-exitcode"], in: repo.path)
        #expect(again.status == 0, "a second plan must find nothing to do: \(again.output)")
        #expect(again.stdout.contains("No changes"))
    }

    @Test func detailedExitCodeIsTwoWhenChangesArePending() async throws {
        let result = try await MLGitOpsBinary.run(
            ["plan", "--repo", repo.path, "--path", "ml", "--state", state, "--detailed-exitcode"], in: repo.path)
        #expect(result.status == 2, "\(result.output)")
    }

    @Test func condaChangeBuildsOneEnvironmentAndResubmitsItsPipelineOnly() async throws {
        #expect(try await apply().status == 0)
        try repo.write("ml/environments/conda/train.yml", MLRepositoryFixture.trainConda + "\n      - scipy==1.13.0\n")
        try repo.commitAll("add scipy to the training environment")
        let (_, document) = try await plan()
        #expect(verbs(document, "build") == ["environment/train-env"])
        let submits = actions(document).filter { $0["action"] as? String == "submit" }
        #expect(submits.count == 1)
        #expect((submits.first?["file"] as? String)?.hasSuffix("pipelines/train.yml") == true)
        #expect(verbs(document, "create").isEmpty)
    }

    @Test func reorderingPipPackagesIsANewHash() async throws {
        #expect(try await apply().status == 0)
        var lines = MLRepositoryFixture.trainConda.components(separatedBy: "\n")
        let numpy = lines.firstIndex { $0.contains("numpy") }!, pandas = lines.firstIndex { $0.contains("pandas") }!
        lines.swapAt(numpy, pandas)
        let reordered = lines.joined(separator: "\n")
        #expect(reordered != MLRepositoryFixture.trainConda)
        try repo.write("ml/environments/conda/train.yml", reordered)
        try repo.commitAll("reorder pip packages")
        let (_, document) = try await plan()
        #expect(verbs(document, "build") == ["environment/train-env"])
    }

    @Test func descriptionOrVersionAloneIsNotANewHash() async throws {
        #expect(try await apply().status == 0)
        try repo.write("ml/environments/train.yml", """
            name: train-env
            version: "9"
            image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1
            conda_file: conda/train.yml
            description: A new description
            """)
        try repo.commitAll("pin a version and reword")
        let (_, document) = try await plan()
        #expect(verbs(document, "build").isEmpty, "\(document)")
        #expect(verbs(document, "submit").isEmpty, "no pipeline resubmits for a cosmetic change")
        // The pinned version 9 does not exist yet: it is registered over the existing build.
        #expect(verbs(document, "reuse") == ["environment/train-env"])
    }

    @Test func changedClusterSizeIsBlockedAndApplyLeavesItAlone() async throws {
        #expect(try await apply().status == 0)
        try repo.write("ml/clusters/cpu.yml", """
            name: cpu-cluster
            type: amlcompute
            size: Standard_DS4_v2
            min_instances: 0
            max_instances: 2
            idle_time_before_scale_down: 300
            """)
        try repo.commitAll("bigger nodes")
        let (_, document) = try await plan()
        let cluster = actions(document).first { $0["resource"] as? String == "compute/cpu-cluster" }
        #expect(cluster?["action"] as? String == "blocked")
        #expect((cluster?["blockedBy"] as? [String: Any])?["rule"] as? String == "create-only")
        let changes = cluster?["changes"] as? [[String: Any]] ?? []
        #expect(changes.contains { $0["field"] as? String == "size" && $0["to"] as? String == "Standard_DS4_v2" })

        let applied = try await apply()
        #expect(applied.status == 0, "blocked actions are reported, not failures: \(applied.output)")
        let status = try await MLGitOpsBinary.json(["status", "--state", state], in: repo.path).1
        let clusters = (status["current"] as? [String: Any])?["clusters"] as? [[String: Any]] ?? []
        let spec = clusters.first?["spec"] as? [String: Any]
        #expect(spec?["size"] as? String == "Standard_DS3_v2")
    }

    @Test func historyRecordsEachReconcile() async throws {
        #expect(try await apply().status == 0)
        #expect(try await apply().status == 0)
        let (_, history) = try await MLGitOpsBinary.json(["history", "--state", state], in: repo.path)
        let records = history["reconciles"] as? [[String: Any]] ?? []
        #expect(records.count == 2)
        #expect(records.first?["status"] as? String == "succeeded")
        #expect((records.first?["author"] as? String)?.contains("Test Author") == true)
    }
}
