import EmbeddedWorkspace
import Foundation
import Manifests

/// A parallel step: its main input split into mini-batches, run by a pool of
/// `instance_count x max_concurrency_per_instance` workers, each batch recorded as it
/// finishes. A restarted step (pre-emption, a runner that died) runs only the batches not yet
/// recorded, and `append_row_to` is rebuilt from the recorded batches, so no row is ever
/// written twice.
struct ParallelStepRun: Sendable {
    var job: String
    var step: String
    var task: ParallelTask
    var settings: ParallelRunSettings
    var mainInput: ResolvedInput
    /// The file `append_row_to` names, or nil when the step returns no rows to a file.
    var appendRowTo: String?
    var launch: WorkerLaunch
    var layout: StepLayout
    var workspace: LocalWorkspace
    var pollInterval: Duration

    func run() async -> StepOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let batches: [MiniBatch]
        do {
            batches = try MiniBatchSplitter.split(
                inputPath: mainInput.text, inputType: mainInput.type ?? "uri_folder", mode: mainInput.mode,
                size: task.miniBatchSize, partitionKeys: task.partitionKeys, chunkDirectory: layout.miniBatches + "/chunks")
        } catch {
            return .failed("cannot split the main input (\(mainInput.text)) into mini-batches: \(error.description)")
        }
        let totalItems = batches.reduce(0) { $0 + $1.itemCount }
        let split = clock.now
        do {
            try await workspace.recordMiniBatchTotal(batches.count, job: job, step: step)
        } catch {
            return .failed("cannot record the mini-batches: \(error)")
        }
        let progress = TallyBox(ParallelRunTally(settings: settings))
        let recorder = MiniBatchRecorder(workspace: workspace, job: job, step: step)
        let recorded = (try? await workspace.miniBatches(job: job, step: step)) ?? []
        let byIndex = Dictionary(uniqueKeysWithValues: batches.map { ($0.index, $0) })
        for record in recorded {
            guard let batch = byIndex[record.batch] else { continue }
            await progress.record(batch, attempts: Self.attempts(of: record))
        }
        let done = Set(recorded.map(\.batch))
        let remaining = batches.filter { !done.contains($0.index) }
        log("mini-batches: \(batches.count) (\(totalItems) items), \(done.count) already finished, \(remaining.count) to run with \(settings.workers) worker(s)")

        var stopReason: String?
        if case .failed(let reason) = await progress.verdict(totalBatches: batches.count) {
            stopReason = reason
        } else if !remaining.isEmpty {
            let pool = ParallelWorkerPool(
                launch: launch, workers: settings.workers, maxRetries: settings.maxRetries,
                timeouts: MiniBatchTimeouts(
                    run: .seconds(settings.retryTimeout), taskOverhead: .seconds(settings.taskOverheadTimeout),
                    firstTaskCreation: .seconds(settings.firstTaskCreationTimeout),
                    progressUpdate: .seconds(settings.progressUpdateTimeout)))
            let watched = await StepWatch.run(
                job: job, step: step, workspace: workspace, pollInterval: pollInterval, timeout: nil
            ) { [self] () async -> PoolEnd in
                do {
                    try await pool.run(
                        remaining,
                        attempted: { attempt in
                            if let failure = attempt.failure {
                                log("mini-batch \(attempt.batch) attempt \(attempt.attempt) failed: \(Self.reason(failure))")
                            }
                        },
                        finished: { index, outcome in
                            await finish(
                                byIndex[index]!, outcome, progress: progress, recorder: recorder, total: batches.count)
                        })
                    return .finished
                } catch let error as ParallelPoolError {
                    return .error(error)
                } catch {
                    return .canceled
                }
            }
            // What finished is recorded before anything decides from the records: a restart
            // (pre-emption, cancellation) runs only what is not.
            await recorder.drain()
            if let failure = await recorder.failure { log(failure) }
            switch watched {
            case .preempted:
                log("pre-empted: the node was reclaimed; finished mini-batches are kept and the rest run again")
                return .preempted
            case .timedOut, .finished(.canceled):
                return .canceled
            case .finished(.finished):
                break
            case .finished(.error(let error)):
                stopReason = Self.describe(error)
            }
        }
        if Task.isCancelled { return .canceled }
        let pooled = clock.now

        let records = (try? await workspace.miniBatches(job: job, step: step)) ?? []
        if let appendRowTo, let failure = assemble(records, into: appendRowTo) { return .failed(failure) }
        let tally = await progress.tally
        let result = tally.jobResultText(settings: settings, totalBatches: batches.count, totalItems: totalItems)
        try? result.write(toFile: layout.jobResult, atomically: true, encoding: .utf8)
        // Where the step's time went, for people and for benchmarks/parallel (which reads it).
        let ended = clock.now
        log("step took \(Self.seconds(ended - started)) s: split \(Self.seconds(split - started)) s, "
            + "workers \(Self.seconds(pooled - split)) s, gather \(Self.seconds(ended - pooled)) s")
        if let stopReason, case .failed = tally.verdict(totalBatches: batches.count) {
            return .failed(stopReason + " (see \(layout.jobResult))")
        }
        switch tally.verdict(totalBatches: batches.count) {
        case .completed: return .completed
        case .failed(let reason): return .failed(reason + " (see \(layout.jobResult))")
        case .running:
            return .failed((stopReason ?? "the step stopped with mini-batches unfinished") + " (see \(layout.jobResult))")
        }
    }

    /// How the pool ended.
    enum PoolEnd: Sendable {
        case finished
        case error(ParallelPoolError)
        case canceled
    }

    /// Records a finished batch (its rows written first, so a recorded batch always has its
    /// rows on disk) and decides whether the step goes on.
    private func finish(
        _ batch: MiniBatch, _ outcome: MiniBatchOutcome, progress: TallyBox, recorder: MiniBatchRecorder, total: Int
    ) async -> PoolDecision {
        let attempts = outcome.attempts.map { Self.tallyAttempt($0, items: batch.itemCount) }
        var rowsFile: String?
        var rowsReturned = 0
        if case .succeeded(let rows, _) = outcome {
            rowsReturned = rows.count
            let path = layout.rowsFile(batch: batch.index)
            let text = rows.isEmpty ? "" : rows.joined(separator: "\n") + "\n"
            // Unsynced (FileContents): the batch's record, written after, is what makes it count.
            try? FileContents.write(Array(text.utf8), to: path)
            rowsFile = path
        } else if case .fewerRows(let returned, _)? = outcome.attempts.last?.failure {
            rowsReturned = returned
        }
        let failures = attempts.compactMap { attempt -> String? in
            if case .failed(let reason) = attempt { return reason }
            return nil
        }
        let record = MiniBatchRecord(
            batch: batch.index, succeeded: rowsFile != nil, items: batch.itemCount, rowsReturned: rowsReturned,
            attempts: attempts.count, failures: failures, rowsFile: rowsFile)
        await recorder.add(record)
        await progress.record(batch, attempts: attempts)
        if case .failed(let reason) = await progress.verdict(totalBatches: total) { return .stop(reason: reason) }
        return .proceed
    }

    /// Writes every recorded row, in mini-batch order, to the `append_row_to` file.
    private func assemble(_ records: [MiniBatchRecord], into path: String) -> String? {
        var text = ""
        for record in records.sorted(by: { $0.batch < $1.batch }) where record.succeeded {
            guard let file = record.rowsFile, let rows = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            text += rows
        }
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        } catch {
            return "cannot write append_row_to output \(path): \(error.localizedDescription)"
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (whole, atto) = duration.components
        return String(format: "%.3f", Double(whole) + Double(atto) / 1e18)
    }

    private func log(_ line: String) {
        let manager = FileManager.default
        if !manager.fileExists(atPath: layout.standardLog) { _ = manager.createFile(atPath: layout.standardLog, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: layout.standardLog) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data((line + "\n").utf8))
    }

    static func tallyAttempt(_ attempt: MiniBatchAttempt, items: Int) -> ParallelRunTally.Attempt {
        switch attempt.failure {
        case nil: return .returned(rows: items)
        case .fewerRows(let returned, _)?: return .returned(rows: returned)
        case let failure?: return .failed(reason: reason(failure))
        }
    }

    /// A recorded batch as the tally counts it.
    static func attempts(of record: MiniBatchRecord) -> [ParallelRunTally.Attempt] {
        var attempts = record.failures.map { ParallelRunTally.Attempt.failed(reason: $0) }
        if record.succeeded || record.rowsReturned > 0 { attempts.append(.returned(rows: record.rowsReturned)) }
        if attempts.isEmpty { attempts.append(.failed(reason: "failed")) }
        return attempts
    }

    static func reason(_ failure: AttemptFailure) -> String {
        switch failure {
        case .raised(let error, _): return "run() raised \(error)"
        case .fewerRows(let returned, let items):
            return "run() returned \(returned) \(returned == 1 ? "row" : "rows") for \(items) \(items == 1 ? "item" : "items")"
        case .timedOut(let seconds):
            return "run() took longer than retry_settings.timeout (\(Int(seconds.rounded())) s); its worker was killed"
        case .overheadTimedOut(let seconds):
            return "the mini-batch was not loaded within --task_overhead_timeout (\(Int(seconds.rounded())) s)"
        case .workerDied(let status, let tail):
            let how = status < 0 ? "was killed by signal \(-status)" : "exited with status \(status)"
            return "the worker \(how)" + (tail.isEmpty ? "" : ": \(tail.split(separator: "\n").suffix(2).joined(separator: " | "))")
        }
    }

    static func describe(_ error: ParallelPoolError) -> String {
        switch error {
        case .initFailed(let worker, let error, _): return "init() of the entry script failed on worker \(worker): \(error)"
        case .firstTaskCreationTimedOut(let seconds):
            return "no mini-batch started within --first_task_creation_timeout (\(Int(seconds)) s)"
        case .noProgress(let seconds): return "no worker reported progress within --progress_update_timeout (\(Int(seconds)) s)"
        case .stopped(let reason): return reason
        case .launchFailed(let detail): return "cannot start the workers: \(detail)"
        }
    }
}

/// The tally shared by the pool's callbacks.
actor TallyBox {
    private(set) var tally: ParallelRunTally
    init(_ tally: ParallelRunTally) { self.tally = tally }
    func record(_ batch: MiniBatch, attempts: [ParallelRunTally.Attempt]) { tally.record(batch, attempts: attempts) }
    func verdict(totalBatches: Int) -> ParallelRunTally.Verdict { tally.verdict(totalBatches: totalBatches) }
}
