public import Foundation
import GRDB
import Workspaces
public import Planning

/// The controller's memory: every reconcile with its plan and the result of each action,
/// kept in `<state>/history.sqlite`. Each action is journalled as `started` before the
/// workspace is asked and updated after, so a crash leaves a trace the next run closes.
public final class HistoryStore: Sendable {
    let database: DatabasePool
    /// The SQLite file.
    public let file: String

    /// Opens (or creates) the history in `stateDirectory`.
    public init(stateDirectory: String) throws(ReconcileError) {
        file = URL(fileURLWithPath: stateDirectory).appendingPathComponent("history.sqlite").path
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            // A pool is always in WAL mode: readers (status, history) never wait for a writer.
            let file = file
            database = try SchemaMigrationLock.whileHeld(in: stateDirectory) {
                let database = try DatabasePool(path: file, configuration: configuration)
                try Self.migrator.migrate(database)
                return database
            }
        } catch {
            throw .history(file: file, detail: "\(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "reconciles") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("revision", .text).notNull()
                t.column("author", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("trigger", .text).notNull()
                t.column("path", .text).notNull()
                t.column("started_at", .double).notNull()
                t.column("finished_at", .double)
                t.column("status", .text).notNull()
                t.column("counts", .text).notNull()
                t.column("plan", .text).notNull()
            }
            try db.create(table: "action_results") { t in
                t.column("reconcile_id", .integer).notNull().references("reconciles", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("resource", .text).notNull()
                t.column("verb", .text).notNull()
                t.column("idempotency_key", .text)
                t.column("status", .text).notNull()
                t.column("message", .text).notNull()
                t.column("at", .double).notNull()
                t.primaryKey(["reconcile_id", "seq"])
            }
            try db.create(index: "action_results_resource", on: "action_results", columns: ["resource"])
        }
        migrator.registerMigration("v2-apply-lease") { db in
            // Which process applied: with the apply lease, reconciles never overlap in time.
            try db.alter(table: "reconciles") { t in t.add(column: "holder", .text) }
            // The apply lease (ApplyLease): at most one row, the current holder.
            try db.create(table: "apply_lease") { t in
                t.column("id", .integer).primaryKey()
                t.column("token", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("hostname", .text).notNull()
                t.column("command", .text).notNull()
                t.column("started_at", .double).notNull()
                t.column("heartbeat_at", .double).notNull()
            }
        }
        return migrator
    }

    private func run<T>(_ body: (Database) throws -> T) throws(ReconcileError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw .history(file: file, detail: "\(error)")
        }
    }

    /// Marks reconciles that were still `running` (their process died) as `interrupted`,
    /// and journalled actions that never finished as failed; returns their ids.
    @discardableResult
    public func closeInterrupted() throws(ReconcileError) -> [Int64] {
        try run { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM reconciles WHERE status = 'running' ORDER BY id")
            guard !ids.isEmpty else { return [] }
            try db.execute(
                sql: "UPDATE action_results SET status = 'failed', message = 'interrupted: the process stopped during this action; the next reconcile re-planned it' WHERE status = 'started'")
            // It ended when it last wrote, not now: the duration must not count the downtime.
            try db.execute(
                sql: """
                    UPDATE reconciles SET status = 'interrupted',
                        finished_at = COALESCE((SELECT MAX(at) FROM action_results WHERE reconcile_id = reconciles.id), started_at)
                    WHERE status = 'running'
                    """)
            return ids
        }
    }

    /// Starts a reconcile record; returns its id.
    public func begin(
        plan: Plan, revision: String, author: String, summary: String, trigger: String, path: String, at date: Date = Date()
    ) throws(ReconcileError) -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let planJSON = String(decoding: (try? encoder.encode(plan)) ?? Data(), as: UTF8.self)
        let counts = Dictionary(uniqueKeysWithValues: plan.summary.map { ($0.key.rawValue, $0.value) })
        let countsJSON = String(decoding: (try? encoder.encode(counts)) ?? Data(), as: UTF8.self)
        return try run { db in
            try db.execute(
                sql: """
                    INSERT INTO reconciles (revision, author, summary, trigger, path, started_at, status, counts, plan, holder)
                    VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
                    """,
                arguments: [
                    revision, author, summary, trigger, path, date.timeIntervalSince1970, countsJSON, planJSON, Self.processName,
                ])
            return db.lastInsertedRowID
        }
    }

    /// Journals an action before it is performed.
    public func started(_ reconcile: Int64, seq: Int, action: PlanAction, key: String?) throws(ReconcileError) {
        try run { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO action_results VALUES (?, ?, ?, ?, ?, 'started', '', ?)",
                arguments: [reconcile, seq, action.resource.description, action.verb.rawValue, key, Date().timeIntervalSince1970])
        }
    }

    /// Records how an action ended.
    public func finished(_ reconcile: Int64, seq: Int, result: ActionResult) throws(ReconcileError) {
        try run { db in
            try db.execute(
                sql: """
                    INSERT INTO action_results VALUES (?, ?, ?, ?, NULL, ?, ?, ?)
                    ON CONFLICT(reconcile_id, seq) DO UPDATE SET status = excluded.status, message = excluded.message, at = excluded.at
                    """,
                arguments: [reconcile, seq, result.resource, result.verb.rawValue, result.status.rawValue, result.message, Date().timeIntervalSince1970])
        }
    }

    /// Closes a reconcile record.
    public func finish(_ reconcile: Int64, status: ReconcileRecord.Status, at date: Date = Date()) throws(ReconcileError) {
        try run { db in
            try db.execute(
                sql: "UPDATE reconciles SET status = ?, finished_at = ? WHERE id = ?",
                arguments: [status.rawValue, date.timeIntervalSince1970, reconcile])
        }
    }

    /// `pid 4242 on build-01`: the process that writes a record.
    static var processName: String { "pid \(ProcessInfo.processInfo.processIdentifier) on \(ProcessInfo.processInfo.hostName)" }

    /// One reconcile by id, with its plan.
    public func record(_ id: Int64) throws(ReconcileError) -> ReconcileRecord? {
        try run { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM reconciles WHERE id = ?", arguments: [id]) else { return nil }
            return try Self.record(row, includePlan: true, db)
        }
    }

    /// The latest reconciles, newest first; with `resource`, only those that acted on it;
    /// with `includePlan`, each with the plan it applied.
    public func records(limit: Int = 20, resource: String? = nil, includePlan: Bool = false) throws(ReconcileError) -> [ReconcileRecord] {
        try run { db in
            let rows: [Row]
            if let resource {
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM reconciles WHERE id IN (SELECT reconcile_id FROM action_results WHERE resource = ?)
                        ORDER BY id DESC LIMIT ?
                        """, arguments: [resource, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM reconciles ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return try rows.map { row in try Self.record(row, includePlan: includePlan, db) }
        }
    }

    private static func record(_ row: Row, includePlan: Bool, _ db: Database) throws -> ReconcileRecord {
        let id: Int64 = row["id"]
        let results = try Row.fetchAll(
            db, sql: "SELECT * FROM action_results WHERE reconcile_id = ? ORDER BY seq", arguments: [id]
        ).map { r in
            ActionResult(
                resource: r["resource"], verb: PlanVerb(rawValue: r["verb"]) ?? .noop,
                status: ActionResult.Status(rawValue: r["status"]) ?? .failed, message: r["message"],
                at: Date(timeIntervalSince1970: r["at"]))
        }
        let countsText: String = row["counts"]
        let counts = (try? JSONDecoder().decode([String: Int].self, from: Data(countsText.utf8))) ?? [:]
        let finished: Double? = row["finished_at"]
        return ReconcileRecord(
            id: id, revision: row["revision"], author: row["author"], summary: row["summary"], trigger: row["trigger"],
            path: row["path"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
            finishedAt: finished.map { Date(timeIntervalSince1970: $0) },
            status: ReconcileRecord.Status(rawValue: row["status"]) ?? .failed, counts: counts, results: results,
            holder: row["holder"], plan: includePlan ? Self.decodePlan(row["plan"]) : nil)
    }

    private static func decodePlan(_ text: String?) -> Plan? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(Plan.self, from: Data(text.utf8))
    }

    /// The newest reconcile that finished with every action done, if any.
    public func lastSucceeded() throws(ReconcileError) -> ReconcileRecord? {
        try records(limit: 50).first { $0.status == .succeeded }
    }
}
