import Foundation
import Manifests
import Testing
import Workspaces

@testable import EmbeddedWorkspace

/// The counter an incremental plan trusts: every write to what a plan observes moves it, and
/// nothing else does.
@Suite struct ObservedRevisionTests {
    @Test func everyWriteAPlanCouldSeeMovesTheRevisionAndReadsDoNot() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        var last = try #require(try await workspace.observedRevision())
        _ = try await workspace.observe()
        _ = try await workspace.observe(jobsNamed: ["anything"], clustersNamed: ["cpu-cluster"])
        #expect(try await workspace.observedRevision() == last, "reading must not move the revision")

        let writes: [WorkspaceOperation] = [
            .createCluster(Fixture.cluster()), .buildEnvironment(Fixture.environment(), version: "1"), .submitJob(Fixture.job()),
            .putSchedule(Fixture.schedule("nightly")), .putLock(Fixture.lock("keep", .canNotDelete, on: .workspace)),
            .putQuotaPolicy(Fixture.policy("caps")),
        ]
        for operation in writes {
            _ = try await workspace.perform(operation)
            let now = try #require(try await workspace.observedRevision())
            #expect(now != last, "\(operation) did not move the revision")
            last = now
        }
        // An operation already done writes nothing a plan sees.
        _ = try await workspace.perform(.submitJob(Fixture.job()))
        #expect(try await workspace.observedRevision() == last)
        // A write straight to the file (as the runner makes: a job's state) moves it too.
        try await workspace.writing { db in try db.execute(sql: "UPDATE jobs SET state = 'Running'") }
        #expect(try await workspace.observedRevision() != last)
    }

    @Test func observingSomeJobsKeepsWhatPlanningThemReads() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        _ = try await workspace.perform(.submitJob(Fixture.job()))
        let whole = try await workspace.observe()
        let none = try await workspace.observe(jobsNamed: ["another-job"], clustersNamed: [])
        let some = try await workspace.observe(jobsNamed: [Fixture.job().name], clustersNamed: ["cpu-cluster", "absent"])
        #expect(none.jobs.isEmpty && none.clusters.isEmpty)
        #expect(some.jobs == whole.jobs)
        #expect(some.clusters == whole.clusters)
        #expect(none.locks == whole.locks && none.quotaUsage == whole.quotaUsage)
    }
}
