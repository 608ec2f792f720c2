import Manifests
import Testing
import Workspaces

@testable import EmbeddedWorkspace

@Suite struct LockEnforcementTests {
    @Test func aReadOnlyLockOnAClusterRefusesCreatingItButNotOthers() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        try await workspace.insertLock(
            Fixture.lock("freeze-gpu", .readOnly, on: .resource(ResourceID(.compute, "gpu-cluster"))))

        let error = await refusal(of: .createCluster(Fixture.cluster("gpu-cluster")), by: workspace)
        guard case .locked(let lock, let scope, _) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(lock == "freeze-gpu" && scope == "compute/gpu-cluster")
        #expect(try await workspace.perform(.createCluster(Fixture.cluster("cpu-cluster"))).status == .done)
        #expect(try await workspace.observe().clusters.map(\.name) == ["cpu-cluster"])
        #expect(try await workspace.rowCounts()["operations"] == 1)
    }

    @Test func aReadOnlyWorkspaceLockRefusesEveryWrite() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        try await workspace.insertLock(Fixture.lock("freeze", .readOnly, on: .workspace))
        let writes: [WorkspaceOperation] = [
            .createCluster(Fixture.cluster("other")),
            .updateClusterScale(name: "cpu-cluster", spec: ClusterSpec(size: "x", maxInstances: 9)),
            .deleteCluster(name: "cpu-cluster"), .buildEnvironment(Fixture.environment(), version: "1"),
            .submitJob(Fixture.job()), .putSchedule(Fixture.schedule()), .putQuotaPolicy(Fixture.policy()),
        ]
        for operation in writes {
            let error = await refusal(of: operation, by: workspace)
            guard case .locked(let lock, _, _) = error else {
                Issue.record("\(operation.idempotencyKey): \(String(describing: error))")
                continue
            }
            #expect(lock == "freeze")
        }
        let observed = try await workspace.observe()
        #expect(observed.clusters.map(\.spec.maxInstances) == [4])
        #expect(observed.environments.isEmpty && observed.jobs.isEmpty && observed.schedules.isEmpty)
    }

    @Test func aCanNotDeleteLockRefusesDeleteAndReplaceButAllowsCreateAndScale() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        try await workspace.insertLock(Fixture.lock("keep", .canNotDelete, on: .resourceGroup))
        #expect(try await workspace.perform(.createCluster(Fixture.cluster())).status == .done)
        #expect(
            try await workspace.perform(
                .updateClusterScale(name: "cpu-cluster", spec: ClusterSpec(size: "Standard_DS3_v2", maxInstances: 6))
            ).status == .done)

        for operation: WorkspaceOperation in [
            .deleteCluster(name: "cpu-cluster"), .replaceCluster(Fixture.cluster(size: "Standard_F4s_v2")),
        ] {
            let error = await refusal(of: operation, by: workspace)
            guard case .locked(let lock, let scope, _) = error else {
                Issue.record("\(String(describing: error))")
                continue
            }
            #expect(lock == "keep" && scope == "resource_group")
        }
        #expect(try await workspace.observe().clusters.map(\.spec.size) == ["Standard_DS3_v2"])
    }

    @Test func aLockOnAJobsLogicalNameRefusesItsSubmission() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        try await workspace.insertLock(Fixture.lock("no-train", .readOnly, on: .resource(ResourceID(.job, "train"))))
        guard case .locked = await refusal(of: .submitJob(Fixture.job()), by: workspace) else {
            Issue.record("submission allowed")
            return
        }
        #expect(try await workspace.perform(.submitJob(Fixture.job("score"))).status == .done)
    }

    @Test func locksThemselvesCanBeChangedUnderAReadOnlyLock() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        try await workspace.insertLock(Fixture.lock("freeze", .readOnly, on: .resourceGroup))
        let extra = Fixture.lock("keep-gpu", .canNotDelete, on: .resource(ResourceID(.compute, "gpu-cluster")))
        #expect(try await workspace.perform(.putLock(extra)).status == .done)
        #expect(try await workspace.perform(.deleteLock(name: "freeze")).status == .done)
        #expect(try await workspace.observe().locks.map(\.name) == ["keep-gpu"])
        #expect(try await workspace.perform(.createCluster(Fixture.cluster())).status == .done)
    }

    @Test func anAlreadyDoneOperationIsNotRefusedByALaterLock() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let first = try await workspace.perform(.createCluster(Fixture.cluster()))
        try await workspace.insertLock(Fixture.lock("freeze", .readOnly, on: .workspace))
        #expect(
            try await workspace.perform(.createCluster(Fixture.cluster()))
                == OperationOutcome(.alreadyDone, first.message))
    }
}
