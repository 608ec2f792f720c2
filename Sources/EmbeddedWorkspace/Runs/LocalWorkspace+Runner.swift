public import Foundation
import GRDB
public import Manifests
public import Workspaces

#if canImport(Glibc)
    import Glibc
#endif

/// What a runner (`LocalRunner`) reads and writes: claims, step states, builds, compute and
/// mini-batches. Each call is one transaction, so two runners on one state directory never
/// take the same job, build or node.
extension LocalWorkspace {
    /// A runner that has not beaten its heart for this long is taken for dead.
    public static let runnerTimeout: TimeInterval = 15

    /// The absolute path of something under the state directory.
    public func absolutePath(_ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let base =
            stateDirectory.hasPrefix("/")
            ? stateDirectory : FileManager.default.currentDirectoryPath + "/" + stateDirectory
        return URL(fileURLWithPath: base).appendingPathComponent(relative).standardizedFileURL.path
    }

    // MARK: Runners

    /// Records a runner as alive.
    public func registerRunner(id: String, pid: Int32) async throws(WorkspaceError) {
        let date = Date()
        try await writing { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO runners (id, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?)",
                arguments: [id, Int(pid), date, date])
        }
    }

    /// Tells other runners this one is still alive.
    public func heartbeat(runner id: String) async throws(WorkspaceError) {
        let date = Date()
        try await writing { db in
            try db.execute(sql: "UPDATE runners SET heartbeat_at = ? WHERE id = ?", arguments: [date, id])
        }
    }

    /// Removes a runner that stops cleanly, releasing what it held.
    public func unregisterRunner(id: String) async throws(WorkspaceError) {
        try await writing { db in
            try db.execute(sql: "DELETE FROM runners WHERE id = ?", arguments: [id])
            try db.execute(sql: "UPDATE jobs SET runner = NULL WHERE runner = ?", arguments: [id])
            try db.execute(
                sql: "UPDATE environment_builds SET runner = NULL, state = 'Queued' WHERE runner = ? AND state = 'Running'",
                arguments: [id])
        }
    }

    /// Marks a runner that is stopping abruptly (a signal) as dead and recovers its work at
    /// once: its steps' process groups are killed and the steps re-queued for the next runner.
    public func abandonRunner(id: String) async throws(WorkspaceError) {
        try await writing { db in
            try db.execute(
                sql: "UPDATE runners SET heartbeat_at = ? WHERE id = ?", arguments: [Date(timeIntervalSince1970: 0), id])
        }
        _ = try await recoverAbandonedWork()
    }

    /// Runners whose heartbeat stopped or whose process is gone.
    static func deadRunners(_ db: Database, now: Date) throws -> [(id: String, pid: Int32)] {
        try Row.fetchAll(db, sql: "SELECT id, pid, heartbeat_at FROM runners").compactMap { row in
            let id: String = try row.decode(forColumn: "id")
            let pid = Int32(try row.decode(forColumn: "pid") as Int)
            let beat: Date = try row.decode(forColumn: "heartbeat_at")
            let alive = kill(pid, 0) == 0 || errno == EPERM
            return (!alive || now.timeIntervalSince(beat) > runnerTimeout) ? (id, pid) : nil
        }
    }

    /// Finds work whose runner died (killed, or the machine restarted) and makes it runnable
    /// again: running or preparing steps go back to `Queued` with the reason (and a later
    /// attempt), a cancellation asked of a dead runner completes, the nodes they held are
    /// released and builds they held are queued again. Returns one line per job touched.
    /// Child processes of a dead runner that outlived it are killed first, so a re-run never
    /// races an orphan writing the same outputs.
    public func recoverAbandonedWork(maxAttempts: Int = 3) async throws(WorkspaceError) -> [String] {
        let date = Date()
        return try await writing { db in
            let dead = try Self.deadRunners(db, now: date)
            var notes: [String] = []
            for runner in dead {
                for row in try JobTable.runRows(where: "runner = ?", arguments: [runner.id], db) where !row.state.isTerminal {
                    for pid in try JobStepTable.pids(of: row.name, db) where pid > 0 { kill(-pid, SIGKILL) }
                    var steps = try JobStepTable.steps(of: row.name, db)
                    for index in steps.indices where !steps[index].state.isTerminal {
                        if row.state == .cancelRequested {
                            steps[index].state = .canceled
                            steps[index].reason = "canceled (its runner had stopped)"
                            steps[index].endedAt = date
                        } else if [.preparing, .running].contains(steps[index].state) {
                            if steps[index].attempt >= maxAttempts {
                                steps[index].state = .failed
                                steps[index].reason =
                                    "its runner (pid \(runner.pid)) stopped during \(steps[index].attempt) attempts; not retried again"
                                steps[index].endedAt = date
                            } else {
                                steps[index].state = .queued
                                steps[index].reason = "re-queued: the runner that ran it (pid \(runner.pid)) stopped"
                            }
                        } else {
                            continue
                        }
                        try JobStepTable.update(row.name, steps[index], at: date, db)
                        try JobStepTable.setPid(row.name, steps[index].name, nil, db)
                    }
                    let derived = JobStepTable.derivedState(steps: steps, current: row.state)
                    let state = row.state == .cancelRequested && !derived.state.isTerminal ? JobState.canceled : derived.state
                    try JobTable.setRunState(row.name, state, reason: derived.reason ?? state.rawValue, at: date, db)
                    notes.append("\(row.name): its runner (pid \(runner.pid)) stopped; now \(state.rawValue)")
                }
                try db.execute(sql: "UPDATE jobs SET runner = NULL WHERE runner = ?", arguments: [runner.id])
                try db.execute(
                    sql: """
                        DELETE FROM allocations WHERE job IN (SELECT name FROM jobs WHERE runner IS NULL)
                        """)
                try db.execute(
                    sql: "UPDATE environment_builds SET runner = NULL, state = 'Queued' WHERE runner = ? AND state = 'Running'",
                    arguments: [runner.id])
                try db.execute(sql: "DELETE FROM runners WHERE id = ?", arguments: [runner.id])
            }
            return notes
        }
    }

    // MARK: Jobs

    /// Takes every job that is not finished and that no live runner holds.
    public func claimRunnableJobs(runner id: String) async throws(WorkspaceError) -> [ClaimedJob] {
        try await writing { [self] db in
            let rows = try JobTable.runRows(where: "runner IS NULL AND state NOT IN ('Completed', 'Failed', 'Canceled')", db)
            var claimed: [ClaimedJob] = []
            for row in rows {
                guard let job = try JobTable.definition(of: row.name, db) else { continue }
                try db.execute(sql: "UPDATE jobs SET runner = ? WHERE name = ?", arguments: [id, row.name])
                claimed.append(
                    ClaimedJob(
                        name: row.name, job: job, state: row.state, trigger: row.trigger,
                        snapshot: row.snapshot.map { absolutePath($0) }, directory: absolutePath("jobs/\(row.name)"),
                        steps: try JobStepTable.steps(of: row.name, db)))
            }
            return claimed
        }
    }

    /// Gives a job back (the runner stops before it ended).
    public func releaseJob(_ name: String, runner id: String) async throws(WorkspaceError) {
        try await writing { db in
            try db.execute(sql: "UPDATE jobs SET runner = NULL WHERE name = ? AND runner = ?", arguments: [name, id])
            try db.execute(sql: "DELETE FROM allocations WHERE job = ?", arguments: [name])
        }
    }

    /// Records the steps of a job that has none yet (a resumed job keeps its own).
    public func initializeSteps(_ steps: [StepRun], of job: String) async throws(WorkspaceError) -> [StepRun] {
        try await writing { db in
            try JobStepTable.insertMissing(steps, of: job, db)
            return try JobStepTable.steps(of: job, db)
        }
    }

    /// Writes a step's state and brings the job's state in line with its steps. Returns the
    /// job's state afterwards.
    @discardableResult
    public func updateStep(_ step: StepRun, of job: String) async throws(WorkspaceError) -> JobState {
        let date = Date()
        return try await writing { db in
            try JobStepTable.update(job, step, at: date, db)
            if step.state.isTerminal {
                try JobStepTable.setPid(job, step.name, nil, db)
                try db.execute(sql: "DELETE FROM allocations WHERE job = ? AND step = ?", arguments: [job, step.name])
            }
            guard let row = try JobTable.runRow(job, db) else { return .failed }
            let derived = JobStepTable.derivedState(steps: try JobStepTable.steps(of: job, db), current: row.state)
            try JobTable.setRunState(job, derived.state, reason: derived.reason, at: date, db)
            return derived.state
        }
    }

    /// Ends a job outright (a definition it cannot run, a cancellation), ending its open steps too.
    public func finishJob(_ job: String, _ state: JobState, reason: String?) async throws(WorkspaceError) {
        let date = Date()
        try await writing { db in
            for var step in try JobStepTable.steps(of: job, db) where !step.state.isTerminal {
                step.state = state == .completed ? .canceled : state
                step.reason = step.reason ?? reason
                if state == .canceled { step.reason = reason }
                step.endedAt = date
                try JobStepTable.update(job, step, at: date, db)
                try JobStepTable.setPid(job, step.name, nil, db)
            }
            try db.execute(sql: "DELETE FROM allocations WHERE job = ?", arguments: [job])
            try JobTable.setRunState(job, state, reason: reason, at: date, db)
            try db.execute(sql: "UPDATE jobs SET runner = NULL WHERE name = ?", arguments: [job])
        }
    }

    /// Remembers the process group a step runs in, so a dead runner's orphans can be killed.
    public func recordProcess(_ pid: Int32?, job: String, step: String) async throws(WorkspaceError) {
        try await writing { db in try JobStepTable.setPid(job, step, pid, db) }
    }

    /// The job's state now (to see a cancellation asked from another process).
    public func jobState(_ name: String) async throws(WorkspaceError) -> JobState? {
        try await reading { db in try JobTable.runRow(name, db)?.state }
    }

    /// Whether a pre-emption of the step was asked for; asking clears it.
    public func takePreemption(job: String, step: String) async throws(WorkspaceError) -> Bool {
        try await writing { db in
            let asked =
                try Bool.fetchOne(
                    db, sql: "SELECT preempt_requested FROM job_steps WHERE job = ? AND step = ?", arguments: [job, step])
                ?? false
            if asked {
                try db.execute(
                    sql: "UPDATE job_steps SET preempt_requested = 0 WHERE job = ? AND step = ?", arguments: [job, step])
            }
            return asked
        }
    }

    // MARK: Environment builds

    /// Takes the build of `hash` if it is queued, or says where it stands.
    public func claimBuild(of hash: EnvironmentHash, runner id: String) async throws(WorkspaceError) -> BuildClaim {
        try await writing { [self] db in
            guard let row = try EnvironmentTables.build(ofHash: hash, db) else { return .missing }
            let directory = absolutePath("environments/\(row.buildID)")
            switch row.state {
            case "Succeeded": return .succeeded(buildID: row.buildID, directory: directory)
            case "Failed": return .failed(buildID: row.buildID, log: row.log)
            case "Queued":
                guard let environment = try EnvironmentTables.definition(ofBuild: row.buildID, db) else {
                    // Recorded before builds were queued with their definition: nothing to build from.
                    try db.execute(
                        sql: "UPDATE environment_builds SET state = 'Succeeded' WHERE build_id = ?", arguments: [row.buildID])
                    return .succeeded(buildID: row.buildID, directory: directory)
                }
                try db.execute(
                    sql: "UPDATE environment_builds SET state = 'Running', runner = ? WHERE build_id = ?",
                    arguments: [id, row.buildID])
                return .claimed(environment, buildID: row.buildID, directory: directory)
            default:
                return .building(buildID: row.buildID)
            }
        }
    }

    /// The content hash of a registered environment: `version`, or the latest version when nil.
    public func environmentHash(name: String, version: String?) async throws(WorkspaceError) -> EnvironmentHash? {
        try await reading { db in
            let versions = try EnvironmentTables.allVersions(db).filter { $0.name == name }
            if let version { return versions.first { $0.version == version }?.hash }
            return versions.last?.hash
        }
    }

    /// Queues the build of an environment written inline in a job (anonymous: no version is
    /// registered), unless its hash has a build already.
    public func ensureBuild(of environment: Environment) async throws(WorkspaceError) {
        let date = Date()
        try await writing { db in
            guard try EnvironmentTables.build(ofHash: environment.hash, db) == nil else { return }
            try EnvironmentTables.queueBuild(
                environment, buildID: EnvironmentTables.buildID(for: environment.hash), at: date, db)
        }
    }

    /// Every queued build, oldest first.
    public func queuedBuilds() async throws(WorkspaceError) -> [EnvironmentHash] {
        try await reading { db in
            try String.fetchAll(db, sql: "SELECT hash FROM environment_builds WHERE state = 'Queued' ORDER BY created_at")
                .map { EnvironmentHash(hex: $0) }
        }
    }

    /// Records how a claimed build went.
    public func finishBuild(_ buildID: String, succeeded: Bool, log: String) async throws(WorkspaceError) {
        let date = Date()
        try await writing { db in
            try db.execute(
                sql: "UPDATE environment_builds SET state = ?, log = ?, runner = NULL, finished_at = ? WHERE build_id = ?",
                arguments: [succeeded ? "Succeeded" : "Failed", log, date, buildID])
        }
    }

    // MARK: Compute

    /// Asks for compute in one transaction: `decide` sees what is held and allowed, and a grant
    /// is recorded before any other runner can look.
    public func allocate(
        job: String, step: String, decide: @escaping @Sendable (ComputeSnapshot) -> AllocationDecision
    ) async throws(WorkspaceError) -> AllocationDecision {
        let location = location
        let date = Date()
        return try await writing { db in
            let jobs = try JobTable.all(db)
            let snapshot = ComputeSnapshot(
                location: location, clusters: try ClusterTable.all(jobs: jobs, db),
                allocations: try AllocationTable.all(db).filter { !($0.job == job && $0.step == step) },
                policies: try QuotaTables.allPolicies(db), usage: try QuotaTables.allUsage(db))
            let decision = decide(snapshot)
            if case .grant(let allocation) = decision { try AllocationTable.put(allocation, at: date, db) }
            return decision
        }
    }

    /// Gives back the compute a step holds.
    public func releaseCompute(job: String, step: String) async throws(WorkspaceError) {
        try await writing { db in
            try db.execute(sql: "DELETE FROM allocations WHERE job = ? AND step = ?", arguments: [job, step])
        }
    }

    // MARK: Mini-batches

    /// Records a finished mini-batch; the first record of a batch wins, so a batch finished
    /// twice (an orphan and its re-run) still counts, and appends its rows, once.
    @discardableResult
    public func recordMiniBatches(_ records: [MiniBatchRecord], job: String, step: String) async throws(WorkspaceError) -> Int {
        let date = Date()
        return try await writing { db in
            var inserted = 0
            for record in records {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO mini_batches
                            (job, step, batch, succeeded, items, rows_returned, attempts, failures, rows_file, finished_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        job, step, record.batch, record.succeeded, record.items, record.rowsReturned, record.attempts,
                        try JSONColumn.encode(record.failures, column: "mini_batches.failures"), record.rowsFile, date,
                    ])
                inserted += db.changesCount
            }
            return inserted
        }
    }

    /// The mini-batches of a step finished so far, by index.
    public func miniBatches(job: String, step: String) async throws(WorkspaceError) -> [MiniBatchRecord] {
        try await reading { db in try MiniBatchTable.all(job: job, step: step, db) }
    }

    /// Forgets a step's mini-batches (its input changed shape, e.g. a re-run from scratch).
    public func clearMiniBatches(job: String, step: String) async throws(WorkspaceError) {
        try await writing { db in
            try db.execute(sql: "DELETE FROM mini_batches WHERE job = ? AND step = ?", arguments: [job, step])
        }
    }

    // MARK: Schedules

    /// Every enabled schedule with its clock.
    public func scheduleClocks() async throws(WorkspaceError) -> [ScheduleClock] {
        try await reading { [self] db in
            try ScheduleTable.enabledDefinitions(db).map { entry in
                let row = try Row.fetchOne(
                    db, sql: "SELECT hash, anchor, checked_through FROM schedule_clocks WHERE schedule = ?",
                    arguments: [entry.schedule.name])
                return ScheduleClock(
                    schedule: entry.schedule, snapshot: entry.snapshot.map { absolutePath($0) },
                    countedHash: try row.map { JobDefinitionHash(hex: try $0.decode(forColumn: "hash")) },
                    anchor: try row?.decode(forColumn: "anchor"), checkedThrough: try row?.decode(forColumn: "checked_through"))
            }
        }
    }

    /// Moves a schedule's clock forward in one transaction: records its triggers (created or
    /// missed) and submits the jobs of the created ones, under the names given.
    public func advanceSchedule(
        _ name: String, hash: JobDefinitionHash, anchor: Date, checkedThrough: Date, runs: [ScheduleRun],
        jobs: [(name: String, job: Job, snapshot: String?)]
    ) async throws(WorkspaceError) {
        let date = Date()
        let base = absolutePath(".")
        try await writing { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO schedule_clocks (schedule, hash, anchor, checked_through) VALUES (?, ?, ?, ?)",
                arguments: [name, hash.hex, anchor, checkedThrough])
            for run in runs {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO schedule_runs (schedule, trigger_at, status, job, recorded_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [run.schedule, run.triggerAt, run.status.rawValue, run.job, date])
            }
            for entry in jobs where try JobTable.state(of: entry.name, db) == nil {
                let relative = entry.snapshot.map { $0.hasPrefix(base + "/") ? String($0.dropFirst(base.count + 1)) : $0 }
                try JobTable.insert(
                    entry.job, state: JobState.notStarted.rawValue, at: date, db, name: entry.name,
                    trigger: "schedule \(name)", snapshot: relative)
                try JobStepTable.recordEvent(entry.name, step: nil, .notStarted, reason: "created by schedule \(name)", at: date, db)
            }
        }
    }

    /// The triggers recorded for a schedule, oldest first.
    public func scheduleRuns(_ name: String) async throws(WorkspaceError) -> [ScheduleRun] {
        try await reading { db in
            try Row.fetchAll(
                db, sql: "SELECT schedule, trigger_at, status, job FROM schedule_runs WHERE schedule = ? ORDER BY trigger_at",
                arguments: [name]
            ).map { row in
                ScheduleRun(
                    schedule: try row.decode(forColumn: "schedule"), triggerAt: try row.decode(forColumn: "trigger_at"),
                    status: ScheduleRun.Status(rawValue: try row.decode(forColumn: "status")) ?? .missed,
                    job: try row.decode(forColumn: "job"))
            }
        }
    }
}
