import Foundation
import GRDB
import Manifests
import Workspaces

/// The `jobs` table, keyed by submission name.
enum JobTable {
    static func all(_ db: Database) throws -> [ObservedJob] {
        try Row.fetchAll(
            db, sql: "SELECT name, logical_name, hash, state, clusters, submitted_at FROM jobs ORDER BY name"
        ).map { row in
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

    static func insert(_ job: Job, state: String, at date: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO jobs (name, logical_name, hash, spec, state, clusters, submitted_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                job.submissionName, job.name, job.hash.hex, try JSONColumn.encode(job, column: "jobs.spec"), state,
                try JSONColumn.encode(job.clusterDependencies, column: "jobs.clusters"), date, date,
            ])
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
