import Foundation
import GRDB
import Manifests
import Workspaces

/// The `clusters` table.
enum ClusterTable {
    /// Every cluster by name; `activeJobs` counts the active ones of `jobs` that list it.
    static func all(jobs: [ObservedJob], _ db: Database) throws -> [ObservedCluster] {
        let jobs = jobs.filter(\.isActive)
        return try Row.fetchAll(db, sql: "SELECT \(columns) FROM clusters ORDER BY name").map { row in
            let name: String = try row.decode(forColumn: "name")
            return try observed(row, activeJobs: jobs.count { $0.clusters.contains(name) })
        }
    }

    /// The clusters of `names` that exist, by name; `activeJobs` as in ``all(jobs:_:)``.
    static func all(named names: Set<String>, jobs: [ObservedJob], _ db: Database) throws -> [ObservedCluster] {
        let jobs = jobs.filter(\.isActive)
        return try names.sorted().compactMap { name in
            try Row.fetchOne(db, sql: "SELECT \(columns) FROM clusters WHERE name = ?", arguments: [name]).map { row in
                try observed(row, activeJobs: jobs.count { $0.clusters.contains(name) })
            }
        }
    }

    static func find(_ name: String, _ db: Database) throws -> ObservedCluster? {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM clusters WHERE name = ?", arguments: [name])
        else { return nil }
        return try observed(row, activeJobs: JobTable.activeCount(on: name, db))
    }

    private static let columns = "name, spec, tags, provisioning_state"

    private static func observed(_ row: Row, activeJobs: Int) throws -> ObservedCluster {
        ObservedCluster(
            name: try row.decode(forColumn: "name"),
            spec: try JSONColumn.decode(
                ClusterSpec.self, from: try row.decode(forColumn: "spec"), column: "clusters.spec"),
            tags: try JSONColumn.decode(
                [String: String].self, from: try row.decode(forColumn: "tags"), column: "clusters.tags"),
            provisioningState: try row.decode(forColumn: "provisioning_state"), activeJobs: activeJobs)
    }

    /// Inserts or replaces a cluster; a replaced one counts as new (`created_at` moves).
    static func put(
        name: String, spec: ClusterSpec, tags: [String: String], state: String = "Succeeded", at date: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO clusters (name, spec, tags, provisioning_state, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                name, try JSONColumn.encode(spec, column: "clusters.spec"),
                try JSONColumn.encode(tags, column: "clusters.tags"), state, date, date,
            ])
    }

    /// Changes the spec in place (scale updates, out-of-band drift).
    static func setSpec(_ name: String, _ spec: ClusterSpec, at date: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE clusters SET spec = ?, updated_at = ? WHERE name = ?",
            arguments: [try JSONColumn.encode(spec, column: "clusters.spec"), date, name])
    }

    static func delete(_ name: String, _ db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM clusters WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }
}
