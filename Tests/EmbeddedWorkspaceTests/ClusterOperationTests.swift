import Manifests
import Testing
import Workspaces

@testable import EmbeddedWorkspace

@Suite struct ClusterOperationTests {
    @Test func createdClusterIsObservedWithItsSpec() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let outcome = try await workspace.perform(.createCluster(Fixture.cluster()))
        #expect(outcome.status == .done)
        #expect(outcome.message.contains("created compute/cpu-cluster"))

        let clusters = try await workspace.observe().clusters
        #expect(
            clusters == [
                ObservedCluster(
                    name: "cpu-cluster", spec: Fixture.cluster().spec, tags: ["team": "vision"],
                    provisioningState: "Succeeded", activeJobs: 0)
            ])
    }

    @Test func creatingTwiceIsAlreadyDoneWithTheEarlierMessageAndNoNewRow() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let first = try await workspace.perform(.createCluster(Fixture.cluster()))
        let counts = try await workspace.rowCounts()

        let second = try await workspace.perform(.createCluster(Fixture.cluster()))
        #expect(second == OperationOutcome(.alreadyDone, first.message))
        #expect(try await workspace.rowCounts() == counts)
        #expect(counts["clusters"] == 1 && counts["operations"] == 1)
    }

    @Test func creatingOverAClusterWithAnotherSpecIsAConflict() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        try await workspace.setClusterSpec(name: "cpu-cluster", spec: ClusterSpec(size: "Standard_NC6s_v3"))

        let error = await refusal(of: .createCluster(Fixture.cluster()), by: workspace)
        guard case .conflict(let resource, let detail) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(resource == "compute/cpu-cluster")
        #expect(detail.contains("size: Standard_NC6s_v3 -> Standard_DS3_v2"))
        #expect(try await workspace.observe().clusters.map(\.spec.size) == ["Standard_NC6s_v3"])
    }

    @Test func creatingOverAnEqualClusterMadeOutOfBandFindsIt() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        try await workspace.setClusterSpec(name: "cpu-cluster", spec: Fixture.cluster().spec)
        let outcome = try await workspace.perform(.createCluster(Fixture.cluster()))
        #expect(outcome.status == .alreadyDone)
    }

    @Test func scaleUpdateChangesOnlyMinMaxAndIdle() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        let asked = ClusterSpec(
            size: "Standard_NC24s_v3", tier: .lowPriority, minInstances: 1, maxInstances: 8,
            idleTimeBeforeScaleDown: 300)

        let outcome = try await workspace.perform(.updateClusterScale(name: "cpu-cluster", spec: asked))
        #expect(outcome.status == .done)
        let spec = try #require(try await workspace.observe().clusters.first).spec
        #expect(spec.size == "Standard_DS3_v2")
        #expect(spec.tier == .dedicated)
        #expect([spec.minInstances, spec.maxInstances, spec.idleTimeBeforeScaleDown] == [1, 8, 300])
    }

    @Test func scalingAMissingClusterIsNotFound() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        await #expect(throws: WorkspaceError.notFound(resource: "compute/gone")) {
            try await workspace.perform(.updateClusterScale(name: "gone", spec: ClusterSpec(size: "Standard_DS3_v2")))
        }
        #expect(try await workspace.rowCounts()["operations"] == 0)
    }

    @Test func replaceSwapsTheSpecWhenNoJobUsesTheCluster() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        let outcome = try await workspace.perform(.replaceCluster(Fixture.cluster(size: "Standard_F4s_v2", max: 2)))
        #expect(outcome.status == .done)
        let spec = try #require(try await workspace.observe().clusters.first).spec
        #expect(spec.size == "Standard_F4s_v2" && spec.maxInstances == 2)
    }

    @Test func aSecondReplaceWithTheSameSizeButAnotherTierIsNotSkipped() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        var lowPriority = Fixture.cluster(size: "Standard_F4s_v2")
        _ = try await workspace.perform(.replaceCluster(lowPriority))
        lowPriority.spec.tier = .lowPriority
        // Same idempotency key (it names only the size), another definition.
        #expect(try await workspace.perform(.replaceCluster(lowPriority)).status == .done)
        #expect(try await workspace.observe().clusters.map(\.spec.tier) == [.lowPriority])
        #expect(try await workspace.perform(.replaceCluster(lowPriority)).status == .alreadyDone)
    }

    @Test func replaceAndDeleteAreRefusedWhileAJobIsActive() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        let job = Fixture.job()
        _ = try await workspace.perform(.submitJob(job))
        #expect(try await workspace.observe().clusters.first?.activeJobs == 1)

        let inUse: [WorkspaceOperation] = [
            .deleteCluster(name: "cpu-cluster"), .replaceCluster(Fixture.cluster(size: "Standard_F4s_v2")),
        ]
        for operation in inUse {
            let error = await refusal(of: operation, by: workspace)
            guard case .conflict(_, let detail) = error else {
                Issue.record("\(String(describing: error))")
                continue
            }
            #expect(detail.contains(job.submissionName))
        }
        #expect(try await workspace.observe().clusters.map(\.spec.size) == ["Standard_DS3_v2"])

        try await workspace.setJobState(name: job.submissionName, state: "Completed")
        #expect(try await workspace.observe().clusters.first?.activeJobs == 0)
        #expect(try await workspace.perform(.deleteCluster(name: "cpu-cluster")).status == .done)
        #expect(try await workspace.observe().clusters.isEmpty)
    }

    @Test func aClusterDeletedAndDeclaredAgainIsCreatedAgain() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        _ = try await workspace.perform(.deleteCluster(name: "cpu-cluster"))
        #expect(try await workspace.perform(.createCluster(Fixture.cluster())).status == .done)
        #expect(try await workspace.observe().clusters.count == 1)
        // And deleting it again really deletes it.
        #expect(try await workspace.perform(.deleteCluster(name: "cpu-cluster")).status == .done)
        #expect(try await workspace.observe().clusters.isEmpty)
    }

    @Test func aClusterRemovedOutOfBandIsCreatedAgain() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        #expect(try await workspace.removeCluster(name: "cpu-cluster"))
        #expect(try await workspace.perform(.createCluster(Fixture.cluster())).status == .done)
        #expect(try await workspace.observe().clusters.count == 1)
    }

    @Test func deletingAMissingClusterIsAlreadyDone() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        #expect(try await workspace.perform(.deleteCluster(name: "never")).status == .alreadyDone)
    }
}
