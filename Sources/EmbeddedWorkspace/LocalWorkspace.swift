import Foundation
import GRDB
import Manifests
public import Workspaces

/// The embedded workspace: the default one, kept in `<stateDirectory>/workspace.sqlite`.
///
/// Every ``perform(_:)`` is one write transaction that makes the effect and journals its
/// idempotency key together, so a crash anywhere leaves either both or neither, and the next
/// attempt either finds the key or starts clean. Several processes may open the same
/// directory (a `reconcile` and a `jobs` command): the file is in WAL mode and a writer
/// waits for another's transaction to end.
public final class LocalWorkspace: Workspace {
    /// The state directory as given.
    public let stateDirectory: String
    /// The database file.
    public let databasePath: String
    /// The region reported as ``CurrentState/location``.
    public let location: String

    let database: DatabasePool
    private let failure: StorageFailure

    /// The file name inside the state directory.
    public static let databaseFileName = "workspace.sqlite"
    /// How long a writer waits for another process's transaction before giving up.
    static let busyTimeout: TimeInterval = 10

    /// Opens (or creates) the workspace in `stateDirectory`, creating the directory and
    /// bringing the schema up to date.
    public init(stateDirectory: String, location: String = "local") throws(WorkspaceError) {
        self.stateDirectory = stateDirectory
        self.location = location
        let path = URL(fileURLWithPath: stateDirectory).appendingPathComponent(Self.databaseFileName).path
        databasePath = path
        failure = StorageFailure(path: path)
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw .storage(
                detail:
                    "cannot create the state directory \(stateDirectory): \(error.localizedDescription); check the path and its permissions"
            )
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "mlgitops.workspace"
        do {
            database = try SchemaMigrationLock.whileHeld(in: stateDirectory) {
                let database = try DatabasePool(path: path, configuration: configuration)
                try WorkspaceSchema.migrator.migrate(database)
                return database
            }
        } catch {
            throw StorageFailure(path: path).workspaceError(from: error)
        }
    }

    /// `local workspace at <dir>`.
    public var displayName: String { "local workspace at \(stateDirectory)" }

    /// Everything in the workspace, each kind by name, read in one snapshot.
    public func observe() async throws(WorkspaceError) -> CurrentState {
        let location = location
        return try await reading { db in
            let jobs = try JobTable.all(db)
            return CurrentState(
                location: location, clusters: try ClusterTable.all(jobs: jobs, db),
                environments: try EnvironmentTables.allVersions(db), jobs: jobs,
                schedules: try ScheduleTable.all(db), locks: try LockTable.all(db),
                quotaPolicies: try QuotaTables.allPolicies(db), quotaUsage: try QuotaTables.allUsage(db))
        }
    }

    /// The change counter of everything ``observe()`` reads (triggers in the schema bump it).
    public func observedRevision() async throws(WorkspaceError) -> String? {
        let revision = try await reading { db in try Int.fetchOne(db, sql: "SELECT revision FROM observed_revision") }
        return revision.map { "local:\($0)" }
    }

    /// What planning the jobs of `logicalNames` reads: those jobs, the clusters of
    /// `clusterNames` (counting only those jobs as active), locks and quota; no environments or
    /// schedules (an incremental plan replans jobs, never the rest).
    public func observe(jobsNamed logicalNames: Set<String>, clustersNamed clusterNames: Set<String>) async throws(WorkspaceError) -> CurrentState {
        let location = location
        return try await reading { db in
            let jobs = try JobTable.all(logicalNames: logicalNames, db)
            return CurrentState(
                location: location, clusters: try ClusterTable.all(named: clusterNames, jobs: jobs, db), environments: [], jobs: jobs,
                schedules: [],
                locks: try LockTable.all(db), quotaPolicies: try QuotaTables.allPolicies(db), quotaUsage: try QuotaTables.allUsage(db))
        }
    }

    /// Performs `operation` once: a key found in the journal returns `.alreadyDone` with the
    /// earlier message; otherwise locks are checked, then the effect and the key are written
    /// in one transaction. An environment build is queued here and run by the runner
    /// (`LocalRunner`), so a reconcile never waits for one.
    public func perform(_ operation: WorkspaceOperation) async throws(WorkspaceError) -> OperationOutcome {
        try await transaction(operation, snapshot: nil)
    }

    /// Performs `operation`, first writing the committed files a job or a schedule's job runs
    /// into the state directory (see ``JobSnapshot``), so the runner never reads a work tree.
    public func perform(
        _ operation: WorkspaceOperation, reading commit: any CommitReader
    ) async throws(WorkspaceError) -> OperationOutcome {
        let job: Job? =
            switch operation {
            case .submitJob(let job): job
            case .putSchedule(let schedule): schedule.job
            default: nil
            }
        guard let job else { return try await transaction(operation, snapshot: nil) }
        let snapshot = try await JobSnapshot.materialise(job, stateDirectory: stateDirectory, from: commit)
        return try await transaction(operation, snapshot: snapshot)
    }

    /// One attempt at `operation` in one write transaction.
    private func transaction(
        _ operation: WorkspaceOperation, snapshot: String?
    ) async throws(WorkspaceError) -> OperationOutcome {
        let key = operation.idempotencyKey
        let target = OperationTarget(operation)
        let effects = OperationEffects(date: Date(), snapshot: snapshot)
        return try await writing { db in
            let fingerprint = try OperationFingerprint.of(operation)
            if let earlier = try OperationJournal.earlierMessage(for: key, fingerprint: fingerprint, db) {
                return OperationOutcome(.alreadyDone, earlier)
            }
            try LockTable.enforce(target, db)
            let outcome = try effects.apply(operation, db)
            try OperationJournal.record(
                key, fingerprint: fingerprint, resource: target.journalResource, message: outcome.message,
                at: effects.date, db)
            return outcome
        }
    }

    // MARK: Storage access

    /// Runs `updates` in one immediate write transaction; any error rolls it back.
    func writing<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws(WorkspaceError) -> T {
        do {
            return try await database.write(updates)
        } catch {
            throw failure.workspaceError(from: error)
        }
    }

    /// Runs `value` on one consistent snapshot.
    func reading<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws(WorkspaceError) -> T {
        do {
            return try await database.read(value)
        } catch {
            throw failure.workspaceError(from: error)
        }
    }
}
