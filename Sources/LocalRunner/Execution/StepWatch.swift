import EmbeddedWorkspace
import Foundation

/// What ended a watched step body.
enum Watched<Value: Sendable>: Sendable {
    case finished(Value)
    /// A pre-emption was injected (the platform reclaimed a low-priority node).
    case preempted
    /// `limits.timeout` passed.
    case timedOut(seconds: Int)
}

/// Runs a step's body while watching, every poll, for an injected pre-emption and the step's
/// time limit; either cancels the body (which kills its processes) and says why. The job's
/// own cancellation arrives as task cancellation from ``JobExecution``.
enum StepWatch {
    static func run<Value: Sendable>(
        job: String, step: String, workspace: LocalWorkspace, pollInterval: Duration, timeout: Int?,
        body: @escaping @Sendable () async -> Value
    ) async -> Watched<Value> {
        await withTaskGroup(of: Watched<Value>?.self) { group in
            group.addTask { .finished(await body()) }
            group.addTask {
                let clock = ContinuousClock()
                let deadline = timeout.map { clock.now + .seconds($0) }
                while !Task.isCancelled {
                    try? await Task.sleep(for: pollInterval)
                    if Task.isCancelled { return nil }
                    if let deadline, clock.now >= deadline, let timeout { return .timedOut(seconds: timeout) }
                    if (try? await workspace.takePreemption(job: job, step: step)) == true { return .preempted }
                }
                return nil
            }
            var first: Watched<Value>?
            for await result in group {
                guard let result else { continue }
                if first == nil {
                    first = result
                    group.cancelAll()
                }
            }
            // Both children end: the body returns once cancelled, the watcher on its next poll.
            return first ?? .preempted
        }
    }
}
