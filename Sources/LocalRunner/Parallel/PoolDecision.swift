/// What the pool does after reporting a finished mini-batch: the caller owns the step's error
/// threshold, so it decides whether a failure ends the step.
public enum PoolDecision: Sendable, Hashable {
    case proceed
    /// End the pool now; `ParallelWorkerPool.run` throws `ParallelPoolError.stopped(reason:)`.
    case stop(reason: String)
}
