/// The state of one `ParallelWorkerPool.run` call: its workers, what each holds, what is
/// left to hand out. Used only by the task that called `run`, so it needs no lock: every
/// worker thread and the deadline timer talk to it through one `AsyncStream`.
final class PoolRun {
    /// How many commands a worker may hold at once: the one it runs and the next, queued in
    /// its stdin pipe, so it never sits idle waiting for the runner between mini-batches.
    private static let pipelineDepth = 2
    /// How long `shutdown()` may take on all workers together before they are killed.
    private static let shutdownGrace: Duration = .seconds(30)

    /// One attempt handed to a worker.
    private struct Assignment {
        var position: Int
        var attempt: Int
        /// When the worker could start on it: dispatch, or for a queued follower, when the
        /// one before it finished. The task-overhead deadline counts from here.
        var startedAt: ContinuousClock.Instant
        /// When the worker reported it loaded; the run deadline counts from here.
        var loadedAt: ContinuousClock.Instant?
    }

    private struct Slot {
        var worker: WorkerProcess?
        var ready = false
        /// Oldest first; the head is the one the worker is on.
        var queue: [Assignment] = []
    }

    /// One attempt that ended, and the batch's outcome when it was the last attempt.
    private struct Ended {
        var attempt: MiniBatchAttempt
        var outcome: MiniBatchOutcome?
    }

    private let launch: WorkerLaunch
    private let maxRetries: Int
    private let timeouts: MiniBatchTimeouts
    private let batches: [MiniBatch]
    private let clock = ContinuousClock()
    private let events: AsyncStream<PoolEvent>
    private let sink: AsyncStream<PoolEvent>.Continuation

    private var slots: [Slot]
    /// Every process started and not yet seen to exit, replaced ones included.
    private var live: [Int: WorkerProcess] = [:]
    private var nextSerial = 0
    private var nextFresh = 0
    /// Retries and requeued followers, served before fresh batches: "retry soon".
    private var urgent: [(position: Int, attempt: Int)] = []
    private var attempts: [[MiniBatchAttempt]]
    private var finishedCount = 0
    private var dispatchedAny = false
    private let startedAt: ContinuousClock.Instant
    private var lastProgress: ContinuousClock.Instant
    private var armed: (deadline: ContinuousClock.Instant, timer: Task<Void, Never>)?

    init(
        launch: WorkerLaunch, workers: Int, maxRetries: Int, timeouts: MiniBatchTimeouts,
        batches: [MiniBatch]
    ) {
        self.launch = launch
        self.maxRetries = maxRetries
        self.timeouts = timeouts
        self.batches = batches
        (events, sink) = AsyncStream<PoolEvent>.makeStream(bufferingPolicy: .unbounded)
        slots = Array(repeating: Slot(), count: workers)
        attempts = Array(repeating: [], count: batches.count)
        startedAt = clock.now
        lastProgress = startedAt
    }

    func drive(
        attempted: @Sendable (MiniBatchAttempt) async -> Void,
        finished: @Sendable (Int, MiniBatchOutcome) async -> PoolDecision
    ) async throws {
        do {
            for slot in slots.indices { try spawn(slot) }
            arm()
            for await event in events {
                if let ended = try handle(event) {
                    await attempted(ended.attempt)
                    if let outcome = ended.outcome {
                        finishedCount += 1
                        let decision = await finished(ended.attempt.batch, outcome)
                        if case .stop(let reason) = decision {
                            throw ParallelPoolError.stopped(reason: reason)
                        }
                        if finishedCount == batches.count { break }
                    }
                }
                arm()
            }
            // The stream only ends early when this task is cancelled.
            if finishedCount < batches.count { throw CancellationError() }
        } catch {
            await abort()
            throw error
        }
        await shutDown()
    }

    // MARK: Events

    private func handle(_ event: PoolEvent) throws(ParallelPoolError) -> Ended? {
        switch event {
        case .message(let slot, let serial, let message):
            guard slots[slot].worker?.serial == serial else { return nil }  // a replaced worker
            lastProgress = clock.now
            return try handle(message, slot: slot)
        case .exited(let slot, let serial, let status):
            live[serial] = nil
            guard let worker = slots[slot].worker, worker.serial == serial else { return nil }
            let tail = worker.logTail()
            if !slots[slot].ready {
                throw .initFailed(
                    worker: slot, error: "worker exited with status \(status) before it was ready",
                    logTail: tail)
            }
            return try replace(slot, failure: .workerDied(status: status, logTail: tail))
        case .tick:
            armed = nil
            return try checkDeadlines()
        }
    }

    private func handle(_ message: WorkerMessage, slot: Int) throws(ParallelPoolError) -> Ended? {
        switch message {
        case .ready:
            slots[slot].ready = true
            fill(slot)
            return nil
        case .initFailed(let error, _):
            throw .initFailed(
                worker: slot, error: error, logTail: slots[slot].worker?.logTail() ?? "")
        case .loaded(let batch, let attempt):
            guard isHead(slot, batch: batch, attempt: attempt) else { return try violation(slot) }
            slots[slot].queue[0].loadedAt = clock.now
            return nil
        case .done(let batch, let attempt, let returned, let rows, let seconds):
            guard isHead(slot, batch: batch, attempt: attempt) else { return try violation(slot) }
            let items = batches[slots[slot].queue[0].position].itemCount
            let failure: AttemptFailure? =
                returned < items ? .fewerRows(returned: returned, items: items) : nil
            return complete(slot, failure: failure, rows: rows, seconds: seconds)
        case .failed(let batch, let attempt, let error, let traceback):
            guard isHead(slot, batch: batch, attempt: attempt) else { return try violation(slot) }
            let head = slots[slot].queue[0]
            let seconds = (clock.now - (head.loadedAt ?? head.startedAt)).seconds
            return complete(
                slot, failure: .raised(error: error, traceback: traceback), rows: [],
                seconds: seconds)
        case .shutdownDone:
            return nil
        case .unreadable(let line):
            slots[slot].worker?.kill()
            let tail = slots[slot].worker?.logTail() ?? ""
            return try replace(
                slot,
                failure: .workerDied(status: -1, logTail: "unreadable worker message: \(line)\n\(tail)"))
        }
    }

    private func isHead(_ slot: Int, batch: Int, attempt: Int) -> Bool {
        guard let head = slots[slot].queue.first else { return false }
        return head.attempt == attempt && batches[head.position].index == batch
    }

    /// A message about a batch the worker does not hold: its channel cannot be trusted.
    private func violation(_ slot: Int) throws(ParallelPoolError) -> Ended? {
        slots[slot].worker?.kill()
        let tail = slots[slot].worker?.logTail() ?? ""
        return try replace(
            slot, failure: .workerDied(status: -1, logTail: "out-of-order worker message\n\(tail)"))
    }

    // MARK: Attempts

    /// The worker finished its head attempt and keeps running.
    private func complete(
        _ slot: Int, failure: AttemptFailure?, rows: [String], seconds: Double
    ) -> Ended {
        let head = slots[slot].queue.removeFirst()
        if !slots[slot].queue.isEmpty { slots[slot].queue[0].startedAt = clock.now }
        return end(head, failure: failure, rows: rows, seconds: seconds, worker: slot)
    }

    /// Records an attempt's end, queues its retry, and hands out work before the caller's
    /// callbacks run so no worker waits on them.
    private func end(
        _ assignment: Assignment, failure: AttemptFailure?, rows: [String], seconds: Double,
        worker: Int
    ) -> Ended {
        let batch = batches[assignment.position]
        let attempt = MiniBatchAttempt(
            batch: batch.index, attempt: assignment.attempt, failure: failure, seconds: seconds,
            worker: worker)
        attempts[assignment.position].append(attempt)
        var outcome: MiniBatchOutcome?
        if failure == nil {
            outcome = .succeeded(rows: rows, attempts: attempts[assignment.position])
        } else if assignment.attempt <= maxRetries {
            urgent.insert((assignment.position, assignment.attempt + 1), at: 0)
        } else {
            outcome = .failed(attempts: attempts[assignment.position])
        }
        if outcome != nil { attempts[assignment.position] = [] }
        for slot in slots.indices { fill(slot) }
        return Ended(attempt: attempt, outcome: outcome)
    }

    /// The worker in `slot` is gone or being killed: its head attempt fails, what was queued
    /// behind it goes back to the front of the line unattempted, and a fresh worker (which
    /// runs `init()` again) takes the slot.
    private func replace(_ slot: Int, failure: AttemptFailure) throws(ParallelPoolError) -> Ended? {
        slots[slot].worker?.kill()
        slots[slot].worker?.closeInput()
        let queue = slots[slot].queue
        slots[slot] = Slot()
        urgent.insert(contentsOf: queue.dropFirst().map { ($0.position, $0.attempt) }, at: 0)
        if finishedCount < batches.count { try spawn(slot) }
        guard let head = queue.first else { return nil }
        let seconds = (clock.now - (head.loadedAt ?? head.startedAt)).seconds
        return end(head, failure: failure, rows: [], seconds: seconds, worker: slot)
    }

    // MARK: Dispatch

    private func spawn(_ slot: Int) throws(ParallelPoolError) {
        let serial = nextSerial
        nextSerial += 1
        let worker = try WorkerProcess(launch: launch, slot: slot, serial: serial, events: sink)
        live[serial] = worker
        slots[slot] = Slot(worker: worker)
    }

    private func fill(_ slot: Int) {
        guard slots[slot].ready, let worker = slots[slot].worker else { return }
        while slots[slot].queue.count < Self.pipelineDepth, let next = takeNext() {
            let now = clock.now
            if slots[slot].queue.isEmpty { lastProgress = now }  // an idle worker starts afresh
            slots[slot].queue.append(
                Assignment(position: next.position, attempt: next.attempt, startedAt: now))
            worker.send(WorkerCommand.run(batches[next.position], attempt: next.attempt))
            dispatchedAny = true
        }
    }

    private func takeNext() -> (position: Int, attempt: Int)? {
        if !urgent.isEmpty { return urgent.removeFirst() }
        guard nextFresh < batches.count else { return nil }
        defer { nextFresh += 1 }
        return (nextFresh, 1)
    }

    // MARK: Deadlines

    /// The earliest instant at which something can time out. Deadlines only move later
    /// (each is a fixed duration after an event), so one timer re-armed when it fires covers
    /// them all, instead of a timer per attempt.
    private func nextDeadline() -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        func consider(_ instant: ContinuousClock.Instant) {
            if earliest.map({ instant < $0 }) ?? true { earliest = instant }
        }
        if !dispatchedAny { consider(startedAt + timeouts.firstTaskCreation) }
        var busy = false
        for slot in slots {
            guard let head = slot.queue.first else { continue }
            busy = true
            if let loaded = head.loadedAt {
                consider(loaded + timeouts.run)
            } else {
                consider(head.startedAt + timeouts.taskOverhead)
            }
        }
        if busy { consider(lastProgress + timeouts.progressUpdate) }
        return earliest
    }

    private func arm() {
        guard let deadline = nextDeadline() else { return }
        if let armed, armed.deadline <= deadline { return }
        armed?.timer.cancel()
        let sink = sink
        let timer = Task {
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
                sink.yield(.tick)
            } catch {}  // superseded by an earlier deadline
        }
        armed = (deadline, timer)
    }

    private func checkDeadlines() throws(ParallelPoolError) -> Ended? {
        let now = clock.now
        if !dispatchedAny, now >= startedAt + timeouts.firstTaskCreation {
            throw .firstTaskCreationTimedOut(seconds: (now - startedAt).seconds)
        }
        for slot in slots.indices {
            guard let head = slots[slot].queue.first else { continue }
            if let loaded = head.loadedAt {
                if now >= loaded + timeouts.run {
                    return try replace(slot, failure: .timedOut(seconds: (now - loaded).seconds))
                }
            } else if now >= head.startedAt + timeouts.taskOverhead {
                return try replace(
                    slot, failure: .overheadTimedOut(seconds: (now - head.startedAt).seconds))
            }
        }
        if slots.contains(where: { !$0.queue.isEmpty }),
            now >= lastProgress + timeouts.progressUpdate
        {
            throw .noProgress(seconds: (now - lastProgress).seconds)
        }
        return nil
    }

    // MARK: Ending

    /// Success: every worker gets `shutdown()` (the command, then end of file), and is
    /// killed only if it has not exited within the grace period.
    private func shutDown() async {
        armed?.timer.cancel()
        let workers = Array(live.values)
        for worker in workers {
            worker.send(WorkerCommand.shutdown)
            worker.closeInput()
        }
        let grace = Self.shutdownGrace
        let killer = Task {
            try? await Task.sleep(for: grace)
            for worker in workers { worker.kill() }
        }
        await withTaskCancellationHandler {
            for worker in workers { _ = await worker.waitForExit() }
        } onCancel: {
            for worker in workers { worker.kill() }
        }
        killer.cancel()
        sink.finish()
    }

    /// Failure or cancellation: kill everything and wait until it is reaped.
    private func abort() async {
        armed?.timer.cancel()
        let workers = Array(live.values)
        for worker in workers {
            worker.kill()
            worker.closeInput()
        }
        for worker in workers { _ = await worker.waitForExit() }
        sink.finish()
    }
}
