import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a parallel step's mini-batches on worker processes, the way an Azure ML parallel job
/// does: each worker imports the entry script and calls `init()` once, then `run()` per
/// mini-batch; failed attempts are retried, stuck workers killed and replaced.
///
/// The pool itself holds only configuration; each `run` call owns its workers, so a pool can
/// be reused and shared.
public final class ParallelWorkerPool: Sendable {
    /// How each worker process is started.
    public let launch: WorkerLaunch
    /// How many worker processes run at once (`max_concurrency_per_instance` × instances).
    public let workers: Int
    /// Retries after a failed attempt (`retry_settings.max_retries`).
    public let maxRetries: Int
    /// The deadlines that end attempts and the pool.
    public let timeouts: MiniBatchTimeouts

    /// Ignoring SIGPIPE is process-wide: without it, writing a command to a worker that just
    /// died would kill this process instead of failing one `write`.
    private static let ignoreBrokenPipes: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    /// - Parameters:
    ///   - workers: at least 1; fewer are started when there are fewer mini-batches.
    ///   - maxRetries: retries per mini-batch, so up to `maxRetries + 1` attempts.
    public init(
        launch: WorkerLaunch, workers: Int, maxRetries: Int = 2,
        timeouts: MiniBatchTimeouts = MiniBatchTimeouts()
    ) {
        self.launch = launch
        self.workers = max(1, workers)
        self.maxRetries = max(0, maxRetries)
        self.timeouts = timeouts
    }

    /// Runs every batch (handed out in index order) on up to `workers` processes.
    ///
    /// Each batch ends with exactly one call of `finished`, after its last attempt; `attempted`
    /// sees every attempt first (for logs and progress). A `.stop` from `finished` ends the
    /// pool early: in-flight batches are abandoned (their workers killed), `finished` is not
    /// called again, and `run` throws `ParallelPoolError.stopped`. On success every worker
    /// gets `shutdown()` and has exited before `run` returns; on any error every worker is
    /// killed and reaped before `run` throws.
    ///
    /// - Throws: `ParallelPoolError`, or `CancellationError` when the task is cancelled.
    public func run(
        _ batches: [MiniBatch],
        attempted: @Sendable (MiniBatchAttempt) async -> Void,
        finished: @Sendable (Int, MiniBatchOutcome) async -> PoolDecision
    ) async throws {
        guard !batches.isEmpty else { return }
        _ = Self.ignoreBrokenPipes
        let state = PoolRun(
            launch: launch, workers: min(workers, batches.count), maxRetries: maxRetries,
            timeouts: timeouts, batches: batches)
        try await state.drive(attempted: attempted, finished: finished)
    }
}
