/// Why one attempt at a mini-batch failed.
public enum AttemptFailure: Sendable, Hashable {
    /// `run()` raised; `error` is `ExcType: message` on one line.
    case raised(error: String, traceback: String)
    /// `run()` returned fewer rows than the mini-batch had items.
    case fewerRows(returned: Int, items: Int)
    /// `run()` outlived `MiniBatchTimeouts.run`; the worker was killed.
    case timedOut(seconds: Double)
    /// The worker did not report the mini-batch loaded within `MiniBatchTimeouts.taskOverhead`;
    /// the worker was killed.
    case overheadTimedOut(seconds: Double)
    /// The worker process ended (or sent something unreadable) while holding the mini-batch.
    /// `status` is the exit status, or the negated signal number when a signal ended it, or -1
    /// for a protocol violation; `logTail` is the end of the worker's log.
    case workerDied(status: Int32, logTail: String)
}
