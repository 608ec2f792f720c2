import Manifests
import Testing
import Workspaces

@testable import EmbeddedWorkspace

@Suite struct JobAndScheduleTests {
    @Test func aSubmittedJobIsQueuedUnderItsSubmissionName() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let job = Fixture.job()
        #expect(try await workspace.perform(.submitJob(job)).status == .done)

        let observed = try #require(try await workspace.observe().jobs.first)
        #expect(observed.name == "train-bbbbbbbbbb")
        #expect(observed.logicalName == "train")
        #expect(observed.hash == job.hash)
        #expect(observed.state == "NotStarted")
        #expect(observed.clusters == ["cpu-cluster"])
        #expect(observed.submittedAt != nil)
        #expect(try await workspace.submittedJob(name: job.submissionName) == job)
    }

    @Test func aJobIsNeverSubmittedTwice() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.submitJob(Fixture.job()))
        try await workspace.setJobState(name: Fixture.job().submissionName, state: "Running")
        let again = try await workspace.perform(.submitJob(Fixture.job()))
        #expect(again.status == .alreadyDone)
        #expect(try await workspace.observe().jobs.map(\.state) == ["Running"])
    }

    @Test func activeJobsCountOnlyNonTerminalJobsOfThatCluster() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster("cpu-cluster")))
        _ = try await workspace.perform(.createCluster(Fixture.cluster("gpu-cluster")))
        for (seed, state) in [("1", "Running"), ("2", "Completed"), ("3", "Queued"), ("4", "Failed")] {
            let job = Fixture.job("train", hash: Character(seed))
            _ = try await workspace.perform(.submitJob(job))
            try await workspace.setJobState(name: job.submissionName, state: state)
        }
        _ = try await workspace.perform(.submitJob(Fixture.job("score", hash: "5", clusters: ["gpu-cluster"])))
        let clusters = try await workspace.observe().clusters
        #expect(clusters.map(\.name) == ["cpu-cluster", "gpu-cluster"])
        #expect(clusters.map(\.activeJobs) == [2, 1])
    }

    @Test func settingTheStateOfAnUnknownJobIsNotFound() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        await #expect(throws: WorkspaceError.notFound(resource: "job/nope")) {
            try await workspace.setJobState(name: "nope", state: "Running")
        }
    }

    @Test func schedulesArePutUpdatedAndDeleted() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        #expect(
            try await workspace.perform(.putSchedule(Fixture.schedule(hash: "c"))).message == "created schedule/nightly"
        )
        #expect(try await workspace.perform(.putSchedule(Fixture.schedule(hash: "c"))).status == .alreadyDone)
        #expect(
            try await workspace.perform(.putSchedule(Fixture.schedule(hash: "d"))).message == "updated schedule/nightly"
        )
        #expect(
            try await workspace.observe().schedules == [
                ObservedSchedule(name: "nightly", hash: JobDefinitionHash(hex: Fixture.hex("d")), enabled: true)
            ])
        #expect(try await workspace.perform(.deleteSchedule(name: "nightly")).status == .done)
        #expect(try await workspace.observe().schedules.isEmpty)
    }

    @Test func locksArePutAndDeleted() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let lock = Fixture.lock("protect-gpu", .canNotDelete, on: .resource(ResourceID(.compute, "gpu-cluster")))
        #expect(try await workspace.perform(.putLock(lock)).status == .done)
        var stored = lock
        stored.source = nil
        #expect(try await workspace.observe().locks == [stored])

        #expect(try await workspace.perform(.deleteLock(name: "protect-gpu")).status == .done)
        #expect(try await workspace.observe().locks.isEmpty)
        // Put again after the delete: the earlier key must not hide it.
        #expect(try await workspace.perform(.putLock(lock)).status == .done)
        #expect(try await workspace.observe().locks.count == 1)
    }

    @Test func aLockWithNewNotesIsUpdatedThoughItsKeyIsTheSame() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        var lock = Fixture.lock("freeze", .readOnly, on: .workspace)
        _ = try await workspace.perform(.putLock(lock))
        lock.notes = "release freeze until Monday"
        #expect(try await workspace.perform(.putLock(lock)).message.hasPrefix("updated lock freeze"))
        #expect(try await workspace.observe().locks.map(\.notes) == ["release freeze until Monday"])
    }

    @Test func quotaPoliciesAndUsageAreObserved() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        #expect(try await workspace.perform(.putQuotaPolicy(Fixture.policy(dedicated: 48))).status == .done)
        #expect(try await workspace.perform(.putQuotaPolicy(Fixture.policy(dedicated: 96))).status == .done)
        try await workspace.setQuotaUsage(
            QuotaUsage(location: "westeurope", family: "standardNCSv3Family", tier: .dedicated, cores: 12))

        let observed = try await workspace.observe()
        #expect(observed.quotaPolicies == [Fixture.policy(dedicated: 96)])
        #expect(
            observed.quotaUsage == [
                QuotaUsage(location: "westeurope", family: "standardNCSv3Family", tier: .dedicated, cores: 12)
            ])
        #expect(try await workspace.perform(.deleteQuotaPolicy(name: "westeurope-quota")).status == .done)
        #expect(try await workspace.observe().quotaPolicies.isEmpty)
    }
}
