import EmbeddedWorkspace
import Foundation
import GitSource
import Manifests
import Planning
import Reconciliation
import TestSupport
import Testing
import Workspaces

@Suite("Apply: journalled, never starts a blocked action, resumable")
struct ApplierTests {
    let here = SourceLocation(file: "ml/x.yml", line: 1, column: 1)
    let commit = CommitInfo(sha: String(repeating: "ab", count: 20), authorName: "Ada", authorEmail: "ada@example.com", time: Date(), message: "desired state\n\nbody")

    func cluster(_ name: String, size: String = "Standard_DS3_v2") -> ComputeCluster {
        ComputeCluster(name: name, spec: ClusterSpec(size: size), source: here)
    }

    func job(_ name: String, clusters: [String]) -> Job {
        Job(
            name: name, spec: .command(CommandTask(command: "echo hi", code: nil, environment: .external("e"), compute: .cluster(clusters[0]))),
            hash: JobDefinitionHash(hex: String(repeating: "c", count: 64)), environmentDependencies: [], clusterDependencies: clusters, source: here)
    }

    func environment(_ name: String) -> Environment {
        Environment(name: name, version: nil, definition: EnvironmentDefinition(image: "python:3.11"), hash: EnvironmentHash(hex: String(repeating: "e", count: 64)), source: here)
    }

    @Test func appliesInOrderRecordsHistoryAndConverges() async throws {
        let state = try ScratchDirectory()
        let workspace = try LocalWorkspace(stateDirectory: state.path)
        let history = try HistoryStore(stateDirectory: state.path)
        let desired = DesiredState(commit: commit, clusters: [cluster("cpu")], environments: [environment("base")], jobs: [job("train", clusters: ["cpu"])])

        let plan = Planner.plan(desired: desired, current: try await workspace.observe())
        #expect(plan.actions.map(\.verb) == [.create, .build, .submit])
        let report = try await Applier(workspace: workspace, history: history).apply(plan, commit: commit, path: "ml", trigger: "test")
        #expect(report.status == .succeeded)
        #expect(report.results.map(\.status) == [.done, .done, .done])

        let current = try await workspace.observe()
        #expect(current.clusters.map(\.name) == ["cpu"])
        #expect(current.environments.map(\.version) == ["1"])
        #expect(current.jobs.map(\.name) == [job("train", clusters: ["cpu"]).submissionName])
        #expect(!Planner.plan(desired: desired, current: current).hasChanges)

        let records = try history.records()
        #expect(records.count == 1)
        #expect(records[0].revision == commit.sha)
        #expect(records[0].author == "Ada <ada@example.com>")
        #expect(records[0].summary == "desired state")
        #expect(records[0].results.count == 3)
        #expect(try history.records(resource: "compute/cpu").count == 1)
        #expect(try history.records(resource: "compute/nope").isEmpty)
    }

    @Test func blockedActionIsNeverStarted() async throws {
        let state = try ScratchDirectory()
        let workspace = try LocalWorkspace(stateDirectory: state.path)
        try await workspace.insertLock(ResourceLock(name: "freeze", level: .readOnly, scope: .resource(ResourceID(.compute, "gpu")), source: nil))
        let desired = DesiredState(commit: commit, clusters: [cluster("gpu"), cluster("cpu")])
        let plan = Planner.plan(desired: desired, current: try await workspace.observe())
        let report = try await Applier(workspace: workspace, history: try HistoryStore(stateDirectory: state.path))
            .apply(plan, commit: commit, path: "ml", trigger: "test")
        #expect(report.results.first { $0.resource == "compute/gpu" }?.status == .blocked)
        #expect(report.results.first { $0.resource == "compute/cpu" }?.status == .done)
        #expect(try await workspace.observe().clusters.map(\.name) == ["cpu"])
    }

    @Test func dependentActionIsSkippedWhenItsDependencyFails() async throws {
        let state = try ScratchDirectory()
        let workspace = try LocalWorkspace(stateDirectory: state.path)
        // Made out of band after the plan: the create conflicts at apply time.
        let desired = DesiredState(commit: commit, clusters: [cluster("cpu")], jobs: [job("train", clusters: ["cpu"])])
        let plan = Planner.plan(desired: desired, current: try await workspace.observe())
        try await workspace.setClusterSpec(name: "cpu", spec: ClusterSpec(size: "Standard_DS4_v2"))
        let report = try await Applier(workspace: workspace, history: try HistoryStore(stateDirectory: state.path))
            .apply(plan, commit: commit, path: "ml", trigger: "test")
        #expect(report.status == .failed)
        #expect(report.results.map(\.status) == [.failed, .skipped])
        #expect(try await workspace.observe().jobs.isEmpty)
    }

    @Test func interruptedReconcileIsClosedAndResumedWithoutDoubleEffects() async throws {
        let state = try ScratchDirectory()
        let workspace = try LocalWorkspace(stateDirectory: state.path)
        let history = try HistoryStore(stateDirectory: state.path)
        let desired = DesiredState(commit: commit, clusters: [cluster("cpu")], jobs: [job("train", clusters: ["cpu"])])
        let plan = Planner.plan(desired: desired, current: try await workspace.observe())

        // A run that died after performing the first action but before recording its result.
        let dead = try history.begin(plan: plan, revision: commit.sha, author: "a", summary: "s", trigger: "test", path: "ml")
        try history.started(dead, seq: 0, action: plan.actions[0], key: plan.actions[0].operation?.idempotencyKey)
        _ = try await workspace.perform(plan.actions[0].operation!)

        // The next run applies the same (stale) plan: the workspace finds the earlier effect.
        let report = try await Applier(workspace: workspace, history: history).apply(plan, commit: commit, path: "ml", trigger: "test")
        #expect(report.resumedAfter == [dead])
        #expect(report.results.map(\.status) == [.alreadyDone, .done])
        let current = try await workspace.observe()
        #expect(current.clusters.count == 1)
        #expect(current.jobs.count == 1)
        let records = try history.records()
        #expect(records.map(\.status) == [.succeeded, .interrupted])
        #expect(records[1].results.first?.status == .failed)
    }
}
