import GRDB
import Manifests
import Workspaces

/// The `locks` table: locks declared in git once created, and any made outside it.
enum LockTable {
    static func all(_ db: Database) throws -> [ResourceLock] {
        try Row.fetchAll(db, sql: "SELECT name, level, scope, notes FROM locks ORDER BY name").map { row in
            let levelText: String = try row.decode(forColumn: "level")
            guard let level = LockLevel(rawValue: levelText) else {
                throw CorruptColumn(column: "locks.level", detail: "unknown level '\(levelText)'")
            }
            return ResourceLock(
                name: try row.decode(forColumn: "name"), level: level,
                scope: try LockScopeText.scope(try row.decode(forColumn: "scope")),
                notes: try row.decode(forColumn: "notes"),
                source: nil)
        }
    }

    static func find(_ name: String, _ db: Database) throws -> ResourceLock? {
        try all(db).first { $0.name == name }
    }

    static func put(_ lock: ResourceLock, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO locks (name, level, scope, notes) VALUES (?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET level = excluded.level, scope = excluded.scope, notes = excluded.notes
                """,
            arguments: [lock.name, lock.level.rawValue, LockScopeText.text(lock.scope), lock.notes])
    }

    static func delete(_ name: String, _ db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM locks WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }

    /// Refuses `target` with ``WorkspaceError/locked(lock:scope:detail:)`` when a lock in the
    /// workspace forbids it, as the platform does: the planner checks too, this is the second
    /// line (and the one that holds when a lock appeared after the plan).
    static func enforce(_ target: OperationTarget, _ db: Database) throws {
        for lock in try all(db) where target.resources.contains(where: lock.scope.covers) {
            if target.isForbidden(by: lock.level) {
                throw WorkspaceError.locked(
                    lock: lock.name, scope: lock.scope.description,
                    detail:
                        "a \(lock.level.rawValue) lock forbids to \(target.summary); remove or change the lock first")
            }
        }
    }
}
