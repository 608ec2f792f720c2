import Foundation
import GRDB
import Manifests

/// The `allocations` table: nodes and cores each running step holds.
enum AllocationTable {
    static func all(_ db: Database) throws -> [ComputeAllocation] {
        try Row.fetchAll(
            db, sql: "SELECT job, step, cluster, location, family, tier, nodes, cores FROM allocations ORDER BY since"
        ).map { row in
            let tier: String = try row.decode(forColumn: "tier")
            return ComputeAllocation(
                job: try row.decode(forColumn: "job"), step: try row.decode(forColumn: "step"),
                cluster: try row.decode(forColumn: "cluster"), location: try row.decode(forColumn: "location"),
                family: try row.decode(forColumn: "family"), tier: ComputeTier(rawValue: tier) ?? .dedicated,
                nodes: try row.decode(forColumn: "nodes"), cores: try row.decode(forColumn: "cores"))
        }
    }

    static func put(_ allocation: ComputeAllocation, at date: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO allocations (job, step, cluster, location, family, tier, nodes, cores, since)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                allocation.job, allocation.step, allocation.cluster, allocation.location, allocation.family,
                allocation.tier.rawValue, allocation.nodes, allocation.cores, date,
            ])
    }
}
