import Foundation

/// Where triggers wait for the sync loop: the interval's timer, webhooks, and the request to
/// stop. Webhooks that arrive while a tick runs are coalesced into one (the next tick fetches
/// whatever the branch is by then); a stop wins over everything.
final class TriggerMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: SyncTrigger?
    private var stopping = false
    private var waiting: CheckedContinuation<SyncTrigger?, Never>?
    private var generation = 0

    /// Posts a trigger: wakes the loop if it waits, else keeps it for the next wait.
    func post(_ trigger: SyncTrigger) {
        let resumed: CheckedContinuation<SyncTrigger?, Never>? = lock.withLock {
            guard !stopping else { return nil }
            if let waiting {
                self.waiting = nil
                generation += 1
                return waiting
            }
            pending = trigger
            return nil
        }
        resumed?.resume(returning: trigger)
    }

    /// Asks the loop to stop after the tick it runs (or at once, when it waits).
    func stop() {
        let resumed: CheckedContinuation<SyncTrigger?, Never>? = lock.withLock {
            stopping = true
            defer { waiting = nil }
            return waiting
        }
        resumed?.resume(returning: nil)
    }

    /// Whether a stop was asked for.
    var isStopping: Bool { lock.withLock { stopping } }

    /// The next trigger: one already posted, else the first to come within `wait`, else
    /// `.interval`; nil once a stop is asked for.
    func next(within wait: Duration) async -> SyncTrigger? {
        await withCheckedContinuation { (continuation: CheckedContinuation<SyncTrigger?, Never>) in
            let (immediate, token): (SyncTrigger??, Int) = lock.withLock {
                if stopping { return (.some(nil), 0) }
                if let pending {
                    self.pending = nil
                    return (.some(pending), 0)
                }
                waiting = continuation
                generation += 1
                return (nil, generation)
            }
            if let immediate {
                continuation.resume(returning: immediate)
                return
            }
            let nanoseconds = UInt64(max(0, wait.seconds) * 1e9)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(min(nanoseconds, UInt64(Int.max))))) {
                let timedOut: CheckedContinuation<SyncTrigger?, Never>? = self.lock.withLock {
                    guard self.generation == token, let waiting = self.waiting else { return nil }
                    self.waiting = nil
                    return waiting
                }
                timedOut?.resume(returning: .interval)
            }
        }
    }
}
