import Foundation
import Manifests
import TestSupport
import Testing
import Workspaces

@testable import EmbeddedWorkspace

@Suite struct StorageTests {
    @Test func theFileIsCreatedInTheStateDirectoryAndNamedForPeople() throws {
        let state = ScratchState()
        let workspace = try state.open()
        #expect(FileManager.default.fileExists(atPath: "\(state.directory)/workspace.sqlite"))
        #expect(workspace.databasePath == "\(state.directory)/workspace.sqlite")
        #expect(workspace.displayName == "local workspace at \(state.directory)")
    }

    @Test func aSecondInstanceSeesTheFirstsWritesAndItsJournal() async throws {
        let state = ScratchState()
        let first = try state.open()
        _ = try await first.perform(.createCluster(Fixture.cluster()))
        _ = try await first.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        _ = try await first.perform(.submitJob(Fixture.job()))

        let second = try LocalWorkspace(stateDirectory: state.directory, location: "westeurope")
        let observed = try await second.observe()
        #expect(observed.location == "westeurope")
        #expect(observed.clusters.map(\.name) == ["cpu-cluster"])
        #expect(observed.clusters.first?.activeJobs == 1)
        #expect(observed.environments.map(\.version) == ["1"])
        #expect(observed.jobs.map(\.name) == [Fixture.job().submissionName])
        #expect(try await second.perform(.submitJob(Fixture.job())).status == .alreadyDone)
    }

    @Test func observationIsOrderedByName() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        for name in ["zeta", "alpha", "mid"] {
            _ = try await workspace.perform(.createCluster(Fixture.cluster(name)))
            _ = try await workspace.perform(.putSchedule(Fixture.schedule(name)))
            _ = try await workspace.perform(.putLock(Fixture.lock(name, .canNotDelete, on: .workspace)))
            _ = try await workspace.perform(.putQuotaPolicy(Fixture.policy(name)))
        }
        let observed = try await workspace.observe()
        let sorted = ["alpha", "mid", "zeta"]
        #expect(observed.clusters.map(\.name) == sorted)
        #expect(observed.schedules.map(\.name) == sorted)
        #expect(observed.locks.map(\.name) == sorted)
        #expect(observed.quotaPolicies.map(\.name) == sorted)
    }

    @Test func anEmptyExistingFileIsMigrated() async throws {
        let state = ScratchState()
        try FileManager.default.createDirectory(atPath: state.directory, withIntermediateDirectories: true)
        // A zero-length file is an empty SQLite database: what an interrupted first start leaves.
        #expect(FileManager.default.createFile(atPath: "\(state.directory)/workspace.sqlite", contents: Data()))

        let workspace = try state.open()
        #expect(try await workspace.appliedMigrations() == ["v1", "v2", "v3"])
        #expect(try await workspace.rowCounts().keys.sorted() == LocalWorkspace.tables.sorted())
    }

    @Test func reopeningAMigratedFileKeepsItsRowsAndRunsNoMigrationTwice() async throws {
        let state = ScratchState()
        _ = try await state.open().perform(.createCluster(Fixture.cluster()))
        let reopened = try state.open()
        #expect(try await reopened.appliedMigrations() == ["v1", "v2", "v3"])
        #expect(try await reopened.observe().clusters.count == 1)
    }

    /// Two processes starting on a fresh state directory together (the migration lock):
    /// every one opens it, the migrations run once.
    @Test func workspacesOpenedTogetherAllMigrateOnce() async throws {
        for _ in 0..<12 {
            let state = ScratchState()
            let directory = state.directory
            let failures = simultaneously(6) { _ = try LocalWorkspace(stateDirectory: directory) }
            #expect(failures.isEmpty, "\(failures)")
            #expect(try await state.open().appliedMigrations() == ["v1", "v2", "v3"])
        }
    }

    @Test func aFileThatIsNotADatabaseIsAStorageErrorNamingIt() throws {
        let state = ScratchState()
        try FileManager.default.createDirectory(atPath: state.directory, withIntermediateDirectories: true)
        let path = "\(state.directory)/workspace.sqlite"
        try String(repeating: "this is not sqlite\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try state.open()
            Issue.record("opened a file that is not a database")
        } catch {
            guard case .storage(let detail) = error as? WorkspaceError else {
                Issue.record("\(error)")
                return
            }
            #expect(detail.contains(path))
            #expect(detail.contains("move it aside"))
        }
    }

    @Test func aStateDirectoryThatCannotBeMadeIsAStorageError() throws {
        let state = ScratchState()
        try FileManager.default.createDirectory(atPath: state.directory, withIntermediateDirectories: true)
        let blocker = "\(state.directory)/file"
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        #expect(throws: WorkspaceError.self) { try LocalWorkspace(stateDirectory: "\(blocker)/state") }
    }

    @Test func concurrentPerformsOfOneKeyMakeOneEffect() async throws {
        let state = ScratchState()
        // Two instances: two connection pools, as two processes would have.
        let first = try state.open()
        let second = try state.open()
        let operations: [WorkspaceOperation] = (0..<8).flatMap { index in
            [
                WorkspaceOperation.createCluster(Fixture.cluster("cluster-\(index)")),
                .submitJob(Fixture.job("job-\(index)", clusters: [])),
            ]
        }
        let outcomes = try await withThrowingTaskGroup(of: OperationOutcome.Status.self) { group in
            for operation in operations {
                for workspace in [first, second, first] {
                    group.addTask { try await workspace.perform(operation).status }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count { $0 == .done } == operations.count)
        #expect(outcomes.count { $0 == .alreadyDone } == operations.count * 2)
        let counts = try await first.rowCounts()
        #expect(counts["clusters"] == 8 && counts["jobs"] == 8 && counts["operations"] == 16)
    }
}

@Suite struct DamagedRowTests {
    /// The storage error `observe()` fails with after `sql` damaged the file.
    private func observeFailure(after sql: String) async throws -> String? {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.createCluster(Fixture.cluster()))
        _ = try await workspace.perform(.putLock(Fixture.lock("keep", .canNotDelete, on: .workspace)))
        try await workspace.setQuotaUsage(QuotaUsage(location: "local", family: "f", tier: .dedicated, cores: 4))
        try await workspace.rawWrite(sql: sql)
        do {
            _ = try await workspace.observe()
            return nil
        } catch {
            guard case .storage(let detail) = error else { return "not a storage error: \(error)" }
            #expect(detail.contains(workspace.databasePath))
            return detail
        }
    }

    @Test func aSpecThatIsNotJSONIsAStorageErrorNamingTheColumn() async throws {
        let detail = try await observeFailure(after: "UPDATE clusters SET spec = 'not json'")
        #expect(detail?.contains("clusters.spec") == true)
    }

    @Test func aLockScopeOfAnUnknownKindIsAStorageError() async throws {
        let detail = try await observeFailure(after: "UPDATE locks SET scope = 'volcano/etna'")
        #expect(detail?.contains("locks.scope") == true)
    }

    @Test func aValueOfTheWrongTypeIsAStorageErrorNotACrash() async throws {
        let detail = try await observeFailure(after: "UPDATE quota_usage SET cores = 'many'")
        #expect(detail?.contains("wrong type") == true)
    }
}
