import GRDB
import Workspaces

/// Read-only looks at the storage itself, for tests and diagnostics.
extension LocalWorkspace {
    /// The tables of the current schema.
    static let tables = [
        "clusters", "environment_builds", "environment_versions", "jobs", "schedules", "locks", "quota_policies",
        "quota_usage", "operations", "job_steps", "job_events", "mini_batches", "allocations", "runners",
        "schedule_clocks", "schedule_runs", "step_batch_totals", "job_outputs",
    ]

    /// The number of rows of each table.
    func rowCounts() async throws(WorkspaceError) -> [String: Int] {
        try await reading { db in
            var counts: [String: Int] = [:]
            for table in Self.tables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// The migrations applied to the file, oldest first.
    func appliedMigrations() async throws(WorkspaceError) -> [String] {
        try await reading { db in
            try WorkspaceSchema.migrator.appliedMigrations(db)
        }
    }
}

extension LocalWorkspace {
    /// Runs raw SQL in one write transaction: for tests that damage rows on purpose.
    func rawWrite(sql: String) async throws(WorkspaceError) {
        try await writing { db in try db.execute(sql: sql) }
    }
}
