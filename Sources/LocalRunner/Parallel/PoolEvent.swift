/// What the pool's dispatch loop waits for: every worker's reader thread and the one deadline
/// timer feed a single stream, so the loop is one `for await` with no polling.
enum PoolEvent: Sendable {
    /// A line from the worker in `slot`; `serial` tells a replacement from the worker it
    /// replaced, whose late lines must be ignored.
    case message(slot: Int, serial: Int, WorkerMessage)
    /// The worker's stdout reached end of file and the process has been reaped.
    case exited(slot: Int, serial: Int, status: Int32)
    /// The earliest deadline the loop armed has passed.
    case tick
}
