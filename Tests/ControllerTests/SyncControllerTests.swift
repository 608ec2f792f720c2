@testable import Controller
import EmbeddedWorkspace
import Foundation
import Manifests
import Reconciliation
import TestSupport
import Testing

/// The sync loop in-process, over a real repository and a real local workspace.
@Suite("Sync controller")
struct SyncControllerTests {
    static func cluster(_ name: String, max: Int = 2) -> String {
        "name: \(name)\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: \(max)\n"
    }

    private func controller(
        _ repo: ScratchRepository, _ state: ScratchDirectory, selfHeal: Bool = false, drift: Duration = .seconds(3600)
    ) throws -> (SyncController, LocalWorkspace, HistoryStore) {
        let workspace = try LocalWorkspace(stateDirectory: state.path)
        let history = try HistoryStore(stateDirectory: state.path)
        let settings = SyncSettings(
            source: .local(path: repo.path), branch: "main", path: "ml", stateDirectory: state.path,
            driftInterval: drift, selfHeal: selfHeal)
        return (SyncController(settings: settings, workspace: workspace, history: history), workspace, history)
    }

    @Test func appliesOnlyWhatANewCommitChangedAndReportsTheRestAsDrift() async throws {
        let repo = try ScratchRepository()
        try repo.write("ml/a.yml", Self.cluster("cluster-a"))
        try repo.write("ml/b.yml", Self.cluster("cluster-b"))
        let first = try repo.commitAll("two clusters")
        let state = try ScratchDirectory()
        let (sync, workspace, history) = try controller(repo, state)

        let applied = await sync.tick(.start)
        #expect(applied.outcome == .applied, "\(applied.summary)")
        #expect(applied.parsedFiles == 2)
        #expect(applied.revision == first)
        #expect(try history.records().map(\.trigger) == ["sync"])

        let idle = await sync.tick(.interval)
        #expect(idle.outcome == .unchanged)
        #expect(try history.records().count == 1)

        // Someone deletes cluster-a in the portal; git adds cluster-c.
        try await workspace.removeCluster(name: "cluster-a")
        try repo.write("ml/c.yml", Self.cluster("cluster-c"))
        let second = try repo.commitAll("a third cluster")
        let next = await sync.tick(.interval)
        #expect(next.outcome == .applied, "\(next.summary)")
        #expect(next.revision == second)
        #expect(next.changedPaths == 1)
        #expect(next.parsedFiles == 1, "only the changed manifest is parsed")
        #expect(next.drift.map(\.resource.description) == ["compute/cluster-a"])
        #expect(next.repaired.isEmpty)
        let names = try await workspace.observe().clusters.map(\.name)
        #expect(names == ["cluster-b", "cluster-c"])
        let records = try history.records()
        #expect(records.map(\.revision) == [second, first])
        #expect(records[0].results.map(\.resource) == ["compute/cluster-c"])
    }

    @Test func selfHealRecreatesADeletedClusterButNeverRescalesOne() async throws {
        let repo = try ScratchRepository()
        try repo.write("ml/a.yml", Self.cluster("cluster-a"))
        try repo.write("ml/b.yml", Self.cluster("cluster-b"))
        try repo.commitAll("two clusters")
        let state = try ScratchDirectory()
        let (plain, workspace, history) = try controller(repo, state, drift: .zero)
        #expect(await plain.tick(.start).outcome == .applied)

        try await workspace.removeCluster(name: "cluster-a")
        var scaled = try #require(try await workspace.observe().clusters.first { $0.name == "cluster-b" }).spec
        scaled.maxInstances = 9
        try await workspace.setClusterSpec(name: "cluster-b", spec: scaled)

        let reported = await plain.tick(.interval)
        #expect(reported.outcome == .driftChecked, "\(reported.summary)")
        #expect(Set(reported.drift.map(\.resource.description)) == ["compute/cluster-a", "compute/cluster-b"])
        #expect(reported.drift.first { $0.resource.name == "cluster-b" }?.repairable == false)
        #expect(try await workspace.observe().clusters.map(\.name) == ["cluster-b"])
        #expect(try history.records().count == 1, "a drift check without --self-heal writes nothing")

        let (healing, _, _) = try controller(repo, state, selfHeal: true, drift: .zero)
        let healed = await healing.tick(.interval)
        #expect(healed.outcome == .driftChecked, "\(healed.summary)")
        #expect(healed.repaired == ["compute/cluster-a"])
        let clusters = try await workspace.observe().clusters
        #expect(clusters.map(\.name) == ["cluster-a", "cluster-b"])
        #expect(clusters.first { $0.name == "cluster-b" }?.spec.maxInstances == 9)
        #expect(try history.records().first?.trigger == "sync")
    }

    @Test func aCommitWithErrorsIsNotAppliedNorPlannedAgain() async throws {
        let repo = try ScratchRepository()
        try repo.write("ml/a.yml", "name: broken\ntype: amlcompute\nmax_instances: many\n")
        let sha = try repo.commitAll("broken")
        let state = try ScratchDirectory()
        let (sync, _, history) = try controller(repo, state)
        let first = await sync.tick(.start)
        #expect(first.outcome == .invalid, "\(first.summary)")
        #expect(first.revision == sha)
        #expect(await sync.tick(.interval).outcome == .unchanged)
        #expect(try history.records().isEmpty)
    }
}

/// An apply gate that records who held it: the seam the one-writer lease plugs into.
final class RecordingGate: ApplyGate, @unchecked Sendable {
    private let lock = NSLock()
    private var holders: [String] = []
    var held: [String] { lock.withLock { holders } }

    func whileHeld<T: Sendable>(by holder: String, _ body: @Sendable () async throws -> T) async throws -> T {
        lock.withLock { holders.append(holder) }
        return try await body()
    }
}

@Suite("The apply gate")
struct ApplyGateTests {
    @Test func everyApplyHoldsTheGateAndADryRunNever() async throws {
        let repo = try ScratchRepository()
        try repo.write("ml/a.yml", SyncControllerTests.cluster("cluster-a"))
        try repo.commitAll("one cluster")
        let state = try ScratchDirectory()
        let workspace = try LocalWorkspace(stateDirectory: state.path)
        let history = try HistoryStore(stateDirectory: state.path)
        let gate = RecordingGate()
        func controller(dryRun: Bool) -> SyncController {
            SyncController(
                settings: SyncSettings(source: .local(path: repo.path), path: "ml", stateDirectory: state.path, dryRun: dryRun),
                workspace: workspace, history: history, gate: gate)
        }
        #expect(await controller(dryRun: true).tick(.start).outcome == .planned)
        #expect(gate.held.isEmpty)
        #expect(try await workspace.observe().clusters.isEmpty)
        #expect(await controller(dryRun: false).tick(.webhook(provider: "github", revision: nil)).outcome == .applied)
        #expect(gate.held == ["webhook"])
        #expect(try history.records().map(\.trigger) == ["webhook"])
    }
}
