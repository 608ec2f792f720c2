import Foundation

/// Runs blocking libgit2 network calls on dedicated threads, off the Swift cooperative pool, and
/// stops waiting for them at their deadline.
///
/// libgit2 1.5 sockets have no timeout: a server that accepts and then stays silent blocks the
/// call forever, and no callback fires to abandon it. So the caller gets `.timedOut` at the
/// deadline while the stuck thread is abandoned; it ends by itself when the socket finally
/// fails. Only one call per repository path runs at a time, so a hung remote costs at most one
/// thread per mirror however often the sync loop retries.
enum NetworkThread {
    private static let busyPaths = BusyPaths()

    /// Runs `work` on a new thread; returns its result, or throws `.timedOut` once `timeout` passes.
    static func run<T: Sendable>(
        exclusiveTo path: String, operation: String, timeout: Duration,
        _ work: @escaping @Sendable (Deadline) -> Result<T, GitError>
    ) async throws(GitError) -> T {
        let deadline = Deadline(after: timeout)
        guard busyPaths.claim(path) else {
            throw .timedOut(operation: "\(operation) (an earlier attempt is still waiting on the remote)", seconds: deadline.seconds)
        }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, GitError>, Never>) in
            let outcome = Outcome(continuation)
            let thread = Thread {
                let result = work(deadline)
                busyPaths.release(path)
                outcome.settle(result)
            }
            thread.name = "mlgitops.git-network"
            thread.start()
            // A thread of its own, not a timer on a global queue: when that queue's threads are
            // all busy (a loaded controller, a parallel test run) a timer fires late, and a
            // deadline that fires late is no deadline.
            let watchdog = Thread {
                outcome.sleep(until: deadline)
                outcome.settle(.failure(.timedOut(operation: operation, seconds: deadline.seconds)))
            }
            watchdog.name = "mlgitops.git-deadline"
            watchdog.start()
        }
        return try result.get()
    }
}

/// Resumes a continuation with whichever result comes first: the work's or the deadline's.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Result<T, GitError>, Never>?
    private let settled = DispatchSemaphore(value: 0)

    init(_ continuation: CheckedContinuation<Result<T, GitError>, Never>) { self.continuation = continuation }

    func settle(_ result: Result<T, GitError>) {
        let waiting: CheckedContinuation<Result<T, GitError>, Never>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        settled.signal()
        waiting?.resume(returning: result)
    }

    /// Blocks until `deadline` passes or the outcome is settled, whichever is first, so the
    /// watchdog thread of a call that finished in time ends at once.
    func sleep(until deadline: Deadline) {
        _ = settled.wait(timeout: deadline.dispatchTime)
    }
}

/// The repository paths with a network call in flight (possibly an abandoned one).
private final class BusyPaths: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: Set<String> = []

    func claim(_ path: String) -> Bool { lock.withLock { paths.insert(path).inserted } }
    func release(_ path: String) { lock.withLock { _ = paths.remove(path) } }
}
