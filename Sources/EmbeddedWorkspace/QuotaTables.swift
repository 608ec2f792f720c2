import GRDB
import Manifests
import Workspaces

/// The `quota_policies` and `quota_usage` tables.
enum QuotaTables {
    static func allPolicies(_ db: Database) throws -> [QuotaPolicy] {
        try String.fetchAll(db, sql: "SELECT definition FROM quota_policies ORDER BY name").map {
            try JSONColumn.decode(QuotaPolicy.self, from: $0, column: "quota_policies.definition")
        }
    }

    static func policy(_ name: String, _ db: Database) throws -> QuotaPolicy? {
        try String.fetchOne(db, sql: "SELECT definition FROM quota_policies WHERE name = ?", arguments: [name]).map {
            try JSONColumn.decode(QuotaPolicy.self, from: $0, column: "quota_policies.definition")
        }
    }

    static func putPolicy(_ policy: QuotaPolicy, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO quota_policies (name, definition) VALUES (?, ?)",
            arguments: [policy.name, try JSONColumn.encode(policy, column: "quota_policies.definition")])
    }

    static func deletePolicy(_ name: String, _ db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM quota_policies WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }

    static func allUsage(_ db: Database) throws -> [QuotaUsage] {
        try Row.fetchAll(
            db, sql: "SELECT location, family, tier, cores FROM quota_usage ORDER BY location, family, tier"
        )
        .map { row in
            let tierText: String = try row.decode(forColumn: "tier")
            guard let tier = ComputeTier(rawValue: tierText) else {
                throw CorruptColumn(column: "quota_usage.tier", detail: "unknown tier '\(tierText)'")
            }
            return QuotaUsage(
                location: try row.decode(forColumn: "location"), family: try row.decode(forColumn: "family"),
                tier: tier, cores: try row.decode(forColumn: "cores"))
        }
    }

    /// Sets the cores in use of one family and tier; zero cores removes the row.
    static func setUsage(_ usage: QuotaUsage, _ db: Database) throws {
        if usage.cores == 0 {
            try db.execute(
                sql: "DELETE FROM quota_usage WHERE location = ? AND family = ? AND tier = ?",
                arguments: [usage.location, usage.family, usage.tier.rawValue])
        } else {
            try db.execute(
                sql: "INSERT OR REPLACE INTO quota_usage (location, family, tier, cores) VALUES (?, ?, ?, ?)",
                arguments: [usage.location, usage.family, usage.tier.rawValue, usage.cores])
        }
    }
}
