import Dispatch

/// A serial executor over a private dispatch queue, so an actor's blocking libgit2 calls run on
/// that queue's thread and never occupy the Swift cooperative pool (two threads on a small box).
///
/// `DispatchSerialQueue` conforms to `SerialExecutor` only on Darwin, hence this small adapter.
final class DispatchQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
