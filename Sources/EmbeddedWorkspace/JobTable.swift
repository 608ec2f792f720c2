import Foundation
import GRDB
import Manifests
import Workspaces

/// The `jobs` table, keyed by submission name.
enum JobTable {
    static func all(_ db: Database) throws -> [ObservedJob] {
        try observed(Row.fetchAll(db, sql: "SELECT name, logical_name, hash, state, clusters, submitted_at FROM jobs ORDER BY name"))
    }

    /// The submissions of the jobs named `logicalNames`, by submission name.
    static func all(logicalNames: Set<String>, _ db: Database) throws -> [ObservedJob] {
        var rows: [Row] = []
        for name in logicalNames.sorted() {
            rows += try Row.fetchAll(
                db, sql: "SELECT name, logical_name, hash, state, clusters, submitted_at FROM jobs WHERE logical_name = ?",
                arguments: [name])
        }
        return try observed(rows).sorted { $0.name < $1.name }
    }

    private static func observed(_ rows: [Row]) throws -> [ObservedJob] {
        try rows.map { row in
            ObservedJob(
                name: try row.decode(forColumn: "name"), logicalName: try row.decode(forColumn: "logical_name"),
                hash: JobDefinitionHash(hex: try row.decode(forColumn: "hash")),
                state: try row.decode(forColumn: "state"),
                clusters: try JSONColumn.decode(
                    [String].self, from: try row.decode(forColumn: "clusters"), column: "jobs.clusters"),
                submittedAt: try row.decode(forColumn: "submitted_at"))
        }
    }

    static func state(of submissionName: String, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT state FROM jobs WHERE name = ?", arguments: [submissionName])
    }

    /// The job as submitted (the full definition), for whoever runs it.
    static func definition(of submissionName: String, _ db: Database) throws -> Job? {
        try String.fetchOne(db, sql: "SELECT spec FROM jobs WHERE name = ?", arguments: [submissionName]).map {
            try JSONColumn.decode(Job.self, from: $0, column: "jobs.spec")
        }
    }

    static func insert(
        _ job: Job, state: String, at date: Date, _ db: Database, name: String? = nil, trigger: String = "reconcile",
        snapshot: String? = nil
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO jobs (name, logical_name, hash, spec, state, clusters, submitted_at, updated_at, trigger, snapshot)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                name ?? job.submissionName, job.name, job.hash.hex, try JSONColumn.encode(job, column: "jobs.spec"),
                state, try JSONColumn.encode(job.clusterDependencies, column: "jobs.clusters"), date, date, trigger,
                snapshot,
            ])
    }

    /// One job's row as the runner and `jobs show` read it.
    struct RunRow: Sendable {
        var name: String
        var logicalName: String
        var state: JobState
        var reason: String?
        var trigger: String
        var submittedAt: Date
        var startedAt: Date?
        var endedAt: Date?
        var runner: String?
        var snapshot: String?
    }

    private static let runColumns =
        "name, logical_name, state, reason, trigger, submitted_at, started_at, ended_at, runner, snapshot"

    static func runRow(_ name: String, _ db: Database) throws -> RunRow? {
        try Row.fetchOne(db, sql: "SELECT \(runColumns) FROM jobs WHERE name = ?", arguments: [name]).map(runRow)
    }

    static func runRows(where condition: String = "1", arguments: StatementArguments = [], _ db: Database) throws -> [RunRow] {
        try Row.fetchAll(
            db, sql: "SELECT \(runColumns) FROM jobs WHERE \(condition) ORDER BY submitted_at, name", arguments: arguments
        ).map(runRow)
    }

    private static func runRow(_ row: Row) throws -> RunRow {
        RunRow(
            name: try row.decode(forColumn: "name"), logicalName: try row.decode(forColumn: "logical_name"),
            state: try JobStepTable.state(try row.decode(forColumn: "state"), column: "jobs.state"),
            reason: try row.decode(forColumn: "reason"), trigger: try row.decode(forColumn: "trigger"),
            submittedAt: try row.decode(forColumn: "submitted_at"), startedAt: try row.decode(forColumn: "started_at"),
            endedAt: try row.decode(forColumn: "ended_at"), runner: try row.decode(forColumn: "runner"),
            snapshot: try row.decode(forColumn: "snapshot"))
    }

    /// Sets the job's state and reason, with an event when either changed; a job's first
    /// non-waiting state stamps `started_at`, a terminal one `ended_at`.
    static func setRunState(
        _ name: String, _ state: JobState, reason: String?, at date: Date, _ db: Database
    ) throws {
        guard let row = try runRow(name, db) else { return }
        guard row.state != state || row.reason != reason else { return }
        let started = row.startedAt ?? ([.preparing, .running].contains(state) ? date : nil)
        let ended = state.isTerminal ? (row.endedAt ?? date) : nil
        try db.execute(
            sql: "UPDATE jobs SET state = ?, reason = ?, started_at = ?, ended_at = ?, updated_at = ? WHERE name = ?",
            arguments: [state.rawValue, reason, started, ended, date, name])
        try JobStepTable.recordEvent(name, step: nil, state, reason: reason, at: date, db)
    }

    static func setState(_ submissionName: String, _ state: String, at date: Date, _ db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE jobs SET state = ?, updated_at = ? WHERE name = ?", arguments: [state, date, submissionName])
        return db.changesCount > 0
    }

    /// How many active jobs list `cluster`.
    static func activeCount(on cluster: String, _ db: Database) throws -> Int {
        try all(db).count { $0.isActive && $0.clusters.contains(cluster) }
    }
}
