import Foundation
import GRDB
import Manifests
import Workspaces

/// The effect of each operation on the tables, made inside the caller's write transaction.
/// Each checks the current rows first: an effect that already exists is `.alreadyDone`, one
/// the rows contradict is refused.
struct OperationEffects {
    /// The time written on the rows.
    var date: Date
    /// The committed files of the job being submitted (or of a schedule's job), relative to
    /// the state directory, written before the transaction.
    var snapshot: String?

    func apply(_ operation: WorkspaceOperation, _ db: Database) throws -> OperationOutcome {
        switch operation {
        case .createCluster(let cluster): try createCluster(cluster, db)
        case .updateClusterScale(let name, let spec): try scaleCluster(name, spec, db)
        case .replaceCluster(let cluster): try replaceCluster(cluster, db)
        case .deleteCluster(let name): try deleteCluster(name, db)
        case .buildEnvironment(let environment, let version): try buildEnvironment(environment, version, db)
        case .reuseEnvironment(let environment, let version, let buildOf):
            try reuseEnvironment(environment, version, buildOf, db)
        case .deleteEnvironment(let name, let version): try deleteEnvironment(name, version, db)
        case .submitJob(let job): try submitJob(job, db)
        case .putSchedule(let schedule): try putSchedule(schedule, db)
        case .deleteSchedule(let name): try deleteSchedule(name, db)
        case .putLock(let lock): try putLock(lock, db)
        case .deleteLock(let name): try deleteLock(name, db)
        case .putQuotaPolicy(let policy): try putQuotaPolicy(policy, db)
        case .deleteQuotaPolicy(let name): try deleteQuotaPolicy(name, db)
        }
    }

    // MARK: Clusters

    private func createCluster(_ cluster: ComputeCluster, _ db: Database) throws -> OperationOutcome {
        let id = "compute/\(cluster.name)"
        if let existing = try ClusterTable.find(cluster.name, db) {
            let changes = cluster.spec.changes(from: existing.spec)
            guard changes.isEmpty else {
                throw WorkspaceError.conflict(
                    resource: id,
                    detail:
                        "exists with a different spec (\(Self.describe(changes))); clusters are create-only: opt in to replacing it, or match the manifest to it"
                )
            }
            return OperationOutcome(.alreadyDone, "\(id) already exists with this spec")
        }
        try ClusterTable.put(name: cluster.name, spec: cluster.spec, tags: cluster.tags, at: date, db)
        return OperationOutcome(.done, "created \(id) (\(Self.describe(cluster.spec)))")
    }

    private func scaleCluster(_ name: String, _ spec: ClusterSpec, _ db: Database) throws -> OperationOutcome {
        let id = "compute/\(name)"
        guard let existing = try ClusterTable.find(name, db) else { throw WorkspaceError.notFound(resource: id) }
        var scaled = existing.spec
        scaled.minInstances = spec.minInstances
        scaled.maxInstances = spec.maxInstances
        scaled.idleTimeBeforeScaleDown = spec.idleTimeBeforeScaleDown
        let scale = "\(scaled.minInstances)-\(scaled.maxInstances) nodes, idle \(scaled.idleTimeBeforeScaleDown)s"
        if scaled == existing.spec { return OperationOutcome(.alreadyDone, "\(id) already scales \(scale)") }
        try ClusterTable.setSpec(name, scaled, at: date, db)
        return OperationOutcome(.done, "scaled \(id) to \(scale)")
    }

    private func replaceCluster(_ cluster: ComputeCluster, _ db: Database) throws -> OperationOutcome {
        let id = "compute/\(cluster.name)"
        guard let existing = try ClusterTable.find(cluster.name, db) else {
            throw WorkspaceError.notFound(resource: id)
        }
        try Self.refuseIfInUse(existing, doing: "replace", db)
        if existing.spec == cluster.spec && existing.tags == cluster.tags {
            return OperationOutcome(.alreadyDone, "\(id) already has this spec")
        }
        try ClusterTable.put(name: cluster.name, spec: cluster.spec, tags: cluster.tags, at: date, db)
        return OperationOutcome(.done, "replaced \(id) (now \(Self.describe(cluster.spec)))")
    }

    private func deleteCluster(_ name: String, _ db: Database) throws -> OperationOutcome {
        let id = "compute/\(name)"
        guard let existing = try ClusterTable.find(name, db) else {
            return OperationOutcome(.alreadyDone, "\(id) does not exist")
        }
        try Self.refuseIfInUse(existing, doing: "delete", db)
        _ = try ClusterTable.delete(name, db)
        return OperationOutcome(.done, "deleted \(id)")
    }

    private static func refuseIfInUse(_ cluster: ObservedCluster, doing verb: String, _ db: Database) throws {
        guard cluster.activeJobs > 0 else { return }
        let jobs = try JobTable.all(db).filter { $0.isActive && $0.clusters.contains(cluster.name) }.map(\.name)
        throw WorkspaceError.conflict(
            resource: "compute/\(cluster.name)",
            detail:
                "cannot \(verb) it while \(jobs.count) active job(s) use it (\(jobs.joined(separator: ", "))); wait for them to finish or cancel them"
        )
    }

    private static func describe(_ spec: ClusterSpec) -> String {
        "\(spec.size), \(spec.tier.rawValue), \(spec.minInstances)-\(spec.maxInstances) nodes"
    }

    private static func describe(_ changes: [(name: String, from: String, to: String)]) -> String {
        changes.map { "\($0.name): \($0.from) -> \($0.to)" }.joined(separator: ", ")
    }

    // MARK: Environments

    /// Registers the version over the build of its hash, queueing that build when the hash
    /// has none. The runner builds it; a failed build stays failed for that hash (a rebuild
    /// needs a changed definition, as on the platform).
    private func buildEnvironment(_ environment: Environment, _ version: String, _ db: Database) throws
        -> OperationOutcome
    {
        let label = "\(environment.name):\(version)"
        if let outcome = try Self.existingVersion(environment, version, db) { return outcome }
        if let build = try EnvironmentTables.build(ofHash: environment.hash, db) {
            // An equal hash is never built twice, whatever its name or version.
            try EnvironmentTables.insertVersion(
                environment.name, version, hash: environment.hash, buildID: build.buildID, at: date, db)
            return OperationOutcome(.done, "registered \(label) over the existing build \(build.buildID) (\(build.state))")
        }
        let buildID = EnvironmentTables.buildID(for: environment.hash)
        try EnvironmentTables.queueBuild(environment, buildID: buildID, at: date, db)
        try EnvironmentTables.insertVersion(
            environment.name, version, hash: environment.hash, buildID: buildID, at: date, db)
        return OperationOutcome(.done, "registered \(label); build \(buildID) queued for the runner")
    }

    private func reuseEnvironment(
        _ environment: Environment, _ version: String, _ buildOf: ObservedEnvironment, _ db: Database
    ) throws -> OperationOutcome {
        let label = "\(environment.name):\(version)"
        guard buildOf.hash == environment.hash else {
            throw WorkspaceError.invalid(
                detail:
                    "environment/\(label): cannot reuse the build of \(buildOf.name):\(buildOf.version), its hash \(buildOf.hash.short) differs from \(environment.hash.short)"
            )
        }
        if let outcome = try Self.existingVersion(environment, version, db) { return outcome }
        guard let build = try EnvironmentTables.build(ofHash: environment.hash, db) else {
            throw WorkspaceError.notFound(
                resource: "a build of hash \(environment.hash.short) (for environment/\(label))")
        }
        try EnvironmentTables.insertVersion(
            environment.name, version, hash: environment.hash, buildID: build.buildID, at: date, db)
        return OperationOutcome(.done, "registered \(label) over build \(build.buildID) (no build)")
    }

    /// The outcome when `name:version` exists already: found if the hash is equal, refused if not.
    private static func existingVersion(
        _ environment: Environment, _ version: String, _ db: Database
    ) throws -> OperationOutcome? {
        guard let existing = try EnvironmentTables.version(environment.name, version, db) else { return nil }
        let label = "\(environment.name):\(version)"
        guard existing.hash == environment.hash else {
            throw WorkspaceError.conflict(
                resource: "environment/\(label)",
                detail:
                    "this version exists with hash \(existing.hash.short), the definition has \(environment.hash.short); versions are immutable: give the changed definition a new version"
            )
        }
        return OperationOutcome(.alreadyDone, "\(label) already exists with this definition")
    }

    private func deleteEnvironment(_ name: String, _ version: String, _ db: Database) throws -> OperationOutcome {
        // The build stays: it is the cache that a later equal hash reuses.
        try EnvironmentTables.deleteVersion(name, version, db)
            ? OperationOutcome(.done, "deleted environment/\(name):\(version)")
            : OperationOutcome(.alreadyDone, "environment/\(name):\(version) does not exist")
    }

    // MARK: Jobs and schedules

    private func submitJob(_ job: Job, _ db: Database) throws -> OperationOutcome {
        if let state = try JobTable.state(of: job.submissionName, db) {
            return OperationOutcome(.alreadyDone, "job \(job.submissionName) was submitted before (\(state))")
        }
        try JobTable.insert(job, state: JobState.notStarted.rawValue, at: date, db, snapshot: snapshot)
        try JobStepTable.recordEvent(job.submissionName, step: nil, .notStarted, reason: "submitted", at: date, db)
        return OperationOutcome(.done, "submitted job \(job.submissionName) (NotStarted)")
    }

    private func putSchedule(_ schedule: Schedule, _ db: Database) throws -> OperationOutcome {
        let existing = try ScheduleTable.hash(of: schedule.name, db)
        if existing == schedule.hash {
            return OperationOutcome(.alreadyDone, "schedule/\(schedule.name) already has this definition")
        }
        try ScheduleTable.put(schedule, snapshot: snapshot, db)
        return OperationOutcome(.done, "\(existing == nil ? "created" : "updated") schedule/\(schedule.name)")
    }

    private func deleteSchedule(_ name: String, _ db: Database) throws -> OperationOutcome {
        try ScheduleTable.delete(name, db)
            ? OperationOutcome(.done, "deleted schedule/\(name)")
            : OperationOutcome(.alreadyDone, "schedule/\(name) does not exist")
    }

    // MARK: Locks and quota policies

    private func putLock(_ lock: ResourceLock, _ db: Database) throws -> OperationOutcome {
        let summary = "\(lock.level.rawValue) on \(lock.scope)"
        let existing = try LockTable.find(lock.name, db)
        if let existing, existing.level == lock.level, existing.scope == lock.scope, existing.notes == lock.notes {
            return OperationOutcome(.alreadyDone, "lock \(lock.name) already exists (\(summary))")
        }
        try LockTable.put(lock, db)
        return OperationOutcome(.done, "\(existing == nil ? "created" : "updated") lock \(lock.name) (\(summary))")
    }

    private func deleteLock(_ name: String, _ db: Database) throws -> OperationOutcome {
        try LockTable.delete(name, db)
            ? OperationOutcome(.done, "deleted lock \(name)")
            : OperationOutcome(.alreadyDone, "lock \(name) does not exist")
    }

    private func putQuotaPolicy(_ policy: QuotaPolicy, _ db: Database) throws -> OperationOutcome {
        let existing = try QuotaTables.policy(policy.name, db)
        if existing == policy {
            return OperationOutcome(.alreadyDone, "quota policy \(policy.name) already has this definition")
        }
        try QuotaTables.putPolicy(policy, db)
        return OperationOutcome(.done, "\(existing == nil ? "recorded" : "updated") quota policy \(policy.name)")
    }

    private func deleteQuotaPolicy(_ name: String, _ db: Database) throws -> OperationOutcome {
        try QuotaTables.deletePolicy(name, db)
            ? OperationOutcome(.done, "deleted quota policy \(name)")
            : OperationOutcome(.alreadyDone, "quota policy \(name) does not exist")
    }
}
