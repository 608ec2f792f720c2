import GRDB
import Manifests
import Workspaces

/// The `schedules` table: the definition as declared, with its hash and whether it fires.
enum ScheduleTable {
    static func all(_ db: Database) throws -> [ObservedSchedule] {
        try Row.fetchAll(db, sql: "SELECT name, hash, enabled FROM schedules ORDER BY name").map { row in
            ObservedSchedule(
                name: try row.decode(forColumn: "name"),
                hash: JobDefinitionHash(hex: try row.decode(forColumn: "hash")),
                enabled: try row.decode(forColumn: "enabled"))
        }
    }

    static func hash(of name: String, _ db: Database) throws -> JobDefinitionHash? {
        try String.fetchOne(db, sql: "SELECT hash FROM schedules WHERE name = ?", arguments: [name]).map {
            JobDefinitionHash(hex: $0)
        }
    }

    /// Inserts a schedule enabled, or updates its definition keeping whether it is enabled
    /// (disabling is an operator's act that a new definition does not undo).
    static func put(_ schedule: Schedule, snapshot: String?, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO schedules (name, hash, definition, enabled, snapshot) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT(name) DO UPDATE SET hash = excluded.hash, definition = excluded.definition,
                    snapshot = coalesce(excluded.snapshot, schedules.snapshot)
                """,
            arguments: [
                schedule.name, schedule.hash.hex, try JSONColumn.encode(schedule, column: "schedules.definition"),
                snapshot,
            ])
    }

    /// Every enabled schedule's definition and snapshot folder, for the runner's clock.
    static func enabledDefinitions(_ db: Database) throws -> [(schedule: Schedule, snapshot: String?)] {
        try Row.fetchAll(db, sql: "SELECT definition, snapshot FROM schedules WHERE enabled = 1 ORDER BY name").map { row in
            (
                try JSONColumn.decode(Schedule.self, from: try row.decode(forColumn: "definition"), column: "schedules.definition"),
                try row.decode(forColumn: "snapshot")
            )
        }
    }

    static func delete(_ name: String, _ db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM schedules WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }
}
