import Foundation
import GRDB
import Workspaces

/// The `job_steps` and `job_events` tables, and the job state they imply.
enum JobStepTable {
    private static let columns =
        "step, type, state, reason, compute, nodes, attempt, started_at, ended_at, outputs, logs"

    static func steps(of job: String, _ db: Database) throws -> [StepRun] {
        try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM job_steps WHERE job = ? ORDER BY position", arguments: [job]
        ).map { row in
            let stateText: String = try row.decode(forColumn: "state")
            return StepRun(
                name: try row.decode(forColumn: "step"), type: try row.decode(forColumn: "type"),
                state: try state(stateText, column: "job_steps.state"), reason: try row.decode(forColumn: "reason"),
                compute: try row.decode(forColumn: "compute"), nodes: try row.decode(forColumn: "nodes"),
                attempt: try row.decode(forColumn: "attempt"), startedAt: try row.decode(forColumn: "started_at"),
                endedAt: try row.decode(forColumn: "ended_at"),
                outputs: try JSONColumn.decode(
                    [String: String].self, from: try row.decode(forColumn: "outputs"), column: "job_steps.outputs"),
                logs: try row.decode(forColumn: "logs"))
        }
    }

    static func state(_ text: String, column: String) throws -> JobState {
        guard let state = JobState(rawValue: text) else {
            throw CorruptColumn(column: column, detail: "'\(text)' is not a job state")
        }
        return state
    }

    /// Inserts the steps a job does not have yet (a resumed job keeps its rows).
    static func insertMissing(_ steps: [StepRun], of job: String, _ db: Database) throws {
        for (position, step) in steps.enumerated() {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO job_steps (job, step, position, type, state, reason, compute, nodes, outputs, logs)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    job, step.name, position, step.type, step.state.rawValue, step.reason, step.compute, step.nodes,
                    try JSONColumn.encode(step.outputs, column: "job_steps.outputs"), step.logs,
                ])
        }
    }

    /// Writes a step's state (and an event when the state or reason changed); returns whether it changed.
    @discardableResult
    static func update(_ job: String, _ step: StepRun, at date: Date, _ db: Database) throws -> Bool {
        let before = try Row.fetchOne(
            db, sql: "SELECT state, reason FROM job_steps WHERE job = ? AND step = ?", arguments: [job, step.name])
        let changed: Bool
        if let before {
            let state: String = try before.decode(forColumn: "state")
            let reason: String? = try before.decode(forColumn: "reason")
            changed = state != step.state.rawValue || reason != step.reason
        } else {
            changed = true
        }
        try db.execute(
            sql: """
                UPDATE job_steps SET state = ?, reason = ?, compute = ?, nodes = ?, attempt = ?, started_at = ?,
                    ended_at = ?, outputs = ?, logs = ? WHERE job = ? AND step = ?
                """,
            arguments: [
                step.state.rawValue, step.reason, step.compute, step.nodes, step.attempt, step.startedAt, step.endedAt,
                try JSONColumn.encode(step.outputs, column: "job_steps.outputs"), step.logs, job, step.name,
            ])
        if changed { try recordEvent(job, step: step.name, step.state, reason: step.reason, at: date, db) }
        return changed
    }

    static func recordEvent(
        _ job: String, step: String?, _ state: JobState, reason: String?, at date: Date, _ db: Database
    ) throws {
        try db.execute(
            sql: "INSERT INTO job_events (job, step, state, reason, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [job, step, state.rawValue, reason, date])
    }

    static func events(of job: String, _ db: Database) throws -> [JobEvent] {
        try Row.fetchAll(
            db, sql: "SELECT step, state, reason, at FROM job_events WHERE job = ? ORDER BY id", arguments: [job]
        ).map { row in
            JobEvent(
                step: try row.decode(forColumn: "step"),
                state: try state(try row.decode(forColumn: "state"), column: "job_events.state"),
                reason: try row.decode(forColumn: "reason"), at: try row.decode(forColumn: "at"))
        }
    }

    static func setPid(_ job: String, _ step: String, _ pid: Int32?, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE job_steps SET pid = ? WHERE job = ? AND step = ?", arguments: [pid.map { Int($0) }, job, step])
    }

    static func pids(of job: String, _ db: Database) throws -> [Int32] {
        try Int.fetchAll(db, sql: "SELECT pid FROM job_steps WHERE job = ? AND pid IS NOT NULL", arguments: [job])
            .map { Int32(truncatingIfNeeded: $0) }
    }

    /// The job's state as its steps imply: a pipeline runs while any step prepares or runs,
    /// waits (`Queued`) while its next steps wait for compute, and ends when every step ended.
    static func derivedState(
        steps: [StepRun], current: JobState
    ) -> (state: JobState, reason: String?) {
        if steps.isEmpty { return (current, nil) }
        if steps.allSatisfy(\.state.isTerminal) {
            if let failed = steps.first(where: { $0.state == .failed }) {
                let why = failed.reason.map { ": \($0)" } ?? ""
                return (.failed, steps.count == 1 ? failed.reason : "step \(failed.name) failed\(why)")
            }
            if steps.contains(where: { $0.state == .canceled }) {
                return (.canceled, steps.first { $0.state == .canceled }?.reason)
            }
            return (.completed, nil)
        }
        if current == .cancelRequested { return (.cancelRequested, "cancellation requested") }
        if steps.count == 1, let only = steps.first { return (only.state, only.reason) }
        if steps.contains(where: { $0.state == .running || $0.state == .preparing }) { return (.running, nil) }
        if let waiting = steps.first(where: { $0.state == .queued }) {
            return (.queued, "step \(waiting.name): \(waiting.reason ?? "waiting for compute")")
        }
        if steps.contains(where: \.state.isTerminal) { return (.running, nil) }
        return (current == .notStarted ? .notStarted : .queued, nil)
    }
}
