import Foundation
import TestSupport
import Testing

/// `rollback REV`: a normal plan of an older revision, dry-run by default, that says what the
/// create-only rules keep; `--apply` applies it and the history records it.
@Suite("Rollback")
struct RollbackTests {
    func cluster(_ name: String, size: String) -> String {
        """
        $schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json
        name: \(name)
        type: amlcompute
        size: \(size)
        min_instances: 0
        max_instances: 2
        """
    }

    func environment(tag: String) -> String {
        """
        name: train-env
        image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.\(tag)
        """
    }

    func job(_ command: String) -> String {
        """
        $schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
        type: command
        command: \(command)
        environment: azureml:train-env@latest
        compute: azureml:cpu-cluster
        """
    }

    @Test func rollbackPlansTheOldRevisionAndSaysWhatStays() async throws {
        let repo = try ScratchRepository()
        try repo.write("ml/clusters/cpu.yml", cluster("cpu-cluster", size: "Standard_DS3_v2"))
        try repo.write("ml/clusters/spare.yml", cluster("spare-cluster", size: "Standard_DS3_v2"))
        try repo.write("ml/environments/train.yml", environment(tag: "v1"))
        try repo.write("ml/jobs/train.yml", job("echo one"))
        let first = try repo.commitAll("first")
        let state = repo.path + "/.state"
        let reconcile = ["reconcile", "--repo", repo.path, "--path", "ml", "--state", state]
        #expect(try await MLGitOpsBinary.run(reconcile, in: repo.path).status == 0)

        // The second revision replaces the spare cluster, rebuilds the environment, resubmits the
        // job and adds a cluster.
        try repo.write("ml/clusters/spare.yml", cluster("spare-cluster", size: "Standard_DS4_v2"))
        try repo.write("ml/clusters/extra.yml", cluster("extra-cluster", size: "Standard_DS3_v2"))
        try repo.write("ml/environments/train.yml", environment(tag: "v2"))
        try repo.write("ml/jobs/train.yml", job("echo two"))
        try repo.commitAll("second")
        let second = try await MLGitOpsBinary.run(reconcile + ["--allow-replace"], in: repo.path)
        #expect(second.status == 0, "\(second.output)")

        // Dry run by reconcile number: nothing changes in the workspace.
        let rollback = ["rollback", "--repo", repo.path, "--state", state]
        let dry = try await MLGitOpsBinary.run(rollback + ["1", "--detailed-exitcode"], in: repo.path)
        #expect(dry.status == 2, "the spare cluster differs: \(dry.output)")
        #expect(dry.stdout.contains("Rollback to reconcile #1"))
        #expect(dry.stdout.contains("compute/spare-cluster"))
        #expect(dry.stdout.contains("[create-only] not reverted"), "\(dry.stdout)")
        #expect(dry.stdout.contains("[never-unsubmitted]"), "\(dry.stdout)")
        #expect(dry.stdout.contains("[immutable-version] version(s) 2"), "\(dry.stdout)")
        #expect(dry.stdout.contains("compute/extra-cluster"), "kept unless pruned: \(dry.stdout)")
        #expect(dry.stdout.contains("Add --apply"))
        let (_, afterDry) = try await MLGitOpsBinary.json(["history", "--state", state], in: repo.path)
        #expect((afterDry["reconciles"] as? [[String: Any]])?.count == 2, "a dry run records nothing")

        // Applied by git revision, as JSON: recorded with the trigger `rollback`.
        let (applied, document) = try await MLGitOpsBinary.json(rollback + [first, "--path", "ml", "--apply"], in: repo.path)
        #expect(applied.status == 0, "\(applied.output)")
        #expect(document["applied"] as? Bool == true)
        let limits = document["limits"] as? [[String: Any]] ?? []
        #expect(Set(limits.compactMap { $0["rule"] as? String }) == ["create-only", "immutable-version", "never-unsubmitted", "not-pruned"])
        let (_, history) = try await MLGitOpsBinary.json(["history", "--state", state, "--verbose"], in: repo.path)
        let newest = (history["reconciles"] as? [[String: Any]])?.first ?? [:]
        #expect(newest["trigger"] as? String == "rollback")
        #expect(newest["revision"] as? String == first)
        #expect(newest["plan"] is [String: Any], "--verbose JSON carries the plan")
        #expect(newest["durationSeconds"] is Double)

        // A reconcile number that does not exist is a clear error.
        let missing = try await MLGitOpsBinary.run(rollback + ["#42"], in: repo.path)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no reconcile #42"), "\(missing.stderr)")
    }
}
