/// Why a parallel pool ended without finishing every mini-batch.
public enum ParallelPoolError: Error, Sendable, Hashable {
    /// `init()` (or importing the entry script) failed on a worker, or the worker exited
    /// before it was ready. Nothing can succeed after that, so the pool stops.
    case initFailed(worker: Int, error: String, logTail: String)
    /// No mini-batch was handed out within `MiniBatchTimeouts.firstTaskCreation`.
    case firstTaskCreationTimedOut(seconds: Double)
    /// No busy worker sent anything for `MiniBatchTimeouts.progressUpdate`.
    case noProgress(seconds: Double)
    /// The `finished` callback asked to stop.
    case stopped(reason: String)
    /// A worker process could not be started (missing interpreter, unwritable log directory).
    case launchFailed(String)
}
