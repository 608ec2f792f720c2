/// The deadlines of a parallel step, named after Azure ML's settings.
public struct MiniBatchTimeouts: Sendable, Hashable {
    /// `retry_settings.timeout`: from the worker reporting the mini-batch loaded to `run()`
    /// returning. Past it the worker is killed and the attempt fails.
    public var run: Duration
    /// From handing a mini-batch to a worker to the worker reporting it loaded (reading a
    /// tabular chunk can be slow, but a worker stuck before `run()` must not hang the step).
    public var taskOverhead: Duration
    /// From the pool starting to the first mini-batch being handed out: bounds a slow `init()`.
    public var firstTaskCreation: Duration
    /// If no busy worker sends anything for this long the whole pool fails: the last line of
    /// defence when the per-attempt deadlines are set very long.
    public var progressUpdate: Duration

    /// Azure ML's defaults: 60 s per run, 600 s of task overhead and of first task creation.
    /// `progressUpdate` defaults to the larger of three run timeouts and 600 s, so it never
    /// fires before a run timeout would have.
    public init(
        run: Duration = .seconds(60), taskOverhead: Duration = .seconds(600),
        firstTaskCreation: Duration = .seconds(600), progressUpdate: Duration? = nil
    ) {
        self.run = run
        self.taskOverhead = taskOverhead
        self.firstTaskCreation = firstTaskCreation
        self.progressUpdate = progressUpdate ?? max(run * 3, .seconds(600))
    }
}

extension Duration {
    /// Seconds as a `Double`, for reports and messages.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
