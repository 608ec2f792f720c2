import Foundation

/// Runs seconds of synchronous work on a thread of its own and awaits it. The cooperative pool
/// has one thread per core (two here): a test that computes on it for seconds starves every
/// other test's timers and deadlines in the same run.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
