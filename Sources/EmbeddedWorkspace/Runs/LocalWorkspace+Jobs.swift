import Foundation
import GRDB
public import Workspaces

/// Jobs as people look at them (`mlgitops jobs`), and what people ask of them.
extension LocalWorkspace {
    /// Every job, oldest submission first.
    public func jobRuns() async throws(WorkspaceError) -> [JobRun] {
        try await reading { [self] db in
            try JobTable.runRows(db).map { try jobRun($0, events: false, db) }
        }
    }

    /// The job named `name`: a submission name, or a logical name (its latest submission).
    public func jobRun(named name: String) async throws(WorkspaceError) -> JobRun? {
        try await reading { [self] db in
            guard let row = try Self.resolve(name, db) else { return nil }
            return try jobRun(row, events: true, db)
        }
    }

    /// The submission names that `name` may mean, for "did you mean".
    public func jobNames() async throws(WorkspaceError) -> [String] {
        try await reading { db in try JobTable.runRows(db).map(\.name) }
    }

    private static func resolve(_ name: String, _ db: Database) throws -> JobTable.RunRow? {
        if let row = try JobTable.runRow(name, db) { return row }
        return try JobTable.runRows(where: "logical_name = ?", arguments: [name], db).last
    }

    private func jobRun(_ row: JobTable.RunRow, events: Bool, _ db: Database) throws -> JobRun {
        let progress = try MiniBatchTable.progress(job: row.name, db)
        let totals = try Self.miniBatchTotals(job: row.name, db)
        let steps = try JobStepTable.steps(of: row.name, db).map { step -> StepRun in
            var step = step
            if step.type == "parallel" {
                let done = progress[step.name] ?? (0, 0, 0)
                step.progress = MiniBatchProgress(
                    succeeded: done.succeeded, failed: done.failed, total: totals[step.name] ?? 0, items: done.items)
            }
            return step
        }
        return JobRun(
            name: row.name, logicalName: row.logicalName, state: row.state, reason: row.reason, trigger: row.trigger,
            submittedAt: row.submittedAt, startedAt: row.startedAt, endedAt: row.endedAt, steps: steps,
            directory: absolutePath("jobs/\(row.name)"), outputs: try Self.pipelineOutputs(job: row.name, db),
            events: events ? try JobStepTable.events(of: row.name, db) : [])
    }

    private static func miniBatchTotals(job: String, _ db: Database) throws -> [String: Int] {
        var totals: [String: Int] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT step, total FROM step_batch_totals WHERE job = ?", arguments: [job])
        {
            totals[try row.decode(forColumn: "step")] = try row.decode(forColumn: "total")
        }
        return totals
    }

    private static func pipelineOutputs(job: String, _ db: Database) throws -> [String: String] {
        guard let text = try String.fetchOne(db, sql: "SELECT outputs FROM job_outputs WHERE job = ?", arguments: [job])
        else { return [:] }
        return try JSONColumn.decode([String: String].self, from: text, column: "job_outputs.outputs")
    }

    /// Records how many mini-batches a parallel step split its input into.
    public func recordMiniBatchTotal(_ total: Int, job: String, step: String) async throws(WorkspaceError) {
        try await writing { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO step_batch_totals (job, step, total) VALUES (?, ?, ?)",
                arguments: [job, step, total])
        }
    }

    /// Records where a pipeline's own outputs are (the step outputs bound to them).
    public func recordPipelineOutputs(_ outputs: [String: String], job: String) async throws(WorkspaceError) {
        try await writing { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO job_outputs (job, outputs) VALUES (?, ?)",
                arguments: [job, try JSONColumn.encode(outputs, column: "job_outputs.outputs")])
        }
    }

    /// Asks for a job to be canceled: one that never started ends at once; a running one is
    /// `CancelRequested` until its runner stops it. Returns the state afterwards.
    public func requestCancel(_ name: String) async throws(WorkspaceError) -> JobState {
        let date = Date()
        return try await writing { db in
            guard let row = try Self.resolve(name, db) else { throw WorkspaceError.notFound(resource: "job/\(name)") }
            if row.state.isTerminal { return row.state }
            let held = try row.runner.map { runner in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM runners WHERE id = ?", arguments: [runner]) ?? 0 > 0
            } ?? false
            if !held {
                for var step in try JobStepTable.steps(of: row.name, db) where !step.state.isTerminal {
                    step.state = .canceled
                    step.reason = "canceled before it ran"
                    step.endedAt = date
                    try JobStepTable.update(row.name, step, at: date, db)
                }
                try JobTable.setRunState(row.name, .canceled, reason: "canceled by request", at: date, db)
                return .canceled
            }
            try JobTable.setRunState(row.name, .cancelRequested, reason: "cancellation requested", at: date, db)
            return .cancelRequested
        }
    }

    /// Injects a pre-emption of a low-priority step, as the platform does when it reclaims
    /// nodes: the runner kills the step's processes and restarts it. For tests and drills.
    public func requestPreemption(job name: String, step: String) async throws(WorkspaceError) {
        try await writing { db in
            guard let row = try Self.resolve(name, db) else { throw WorkspaceError.notFound(resource: "job/\(name)") }
            try db.execute(
                sql: "UPDATE job_steps SET preempt_requested = 1 WHERE job = ? AND step = ?", arguments: [row.name, step])
            if db.changesCount == 0 { throw WorkspaceError.notFound(resource: "job/\(row.name) step \(step)") }
        }
    }
}
