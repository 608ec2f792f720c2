/// One attempt at one mini-batch, successful or not.
public struct MiniBatchAttempt: Sendable, Hashable {
    /// `MiniBatch.index`.
    public var batch: Int
    /// From 1; at most `maxRetries + 1`.
    public var attempt: Int
    /// `nil` when the attempt succeeded.
    public var failure: AttemptFailure?
    /// Time inside `run()` as the worker measured it, or, for attempts the worker never
    /// reported, the time the runner waited.
    public var seconds: Double
    /// The worker slot (the `N` of `worker-N.txt`).
    public var worker: Int

    public init(batch: Int, attempt: Int, failure: AttemptFailure?, seconds: Double, worker: Int) {
        self.batch = batch
        self.attempt = attempt
        self.failure = failure
        self.seconds = seconds
        self.worker = worker
    }

    /// Whether this attempt produced the mini-batch's rows.
    public var succeeded: Bool { failure == nil }
}
