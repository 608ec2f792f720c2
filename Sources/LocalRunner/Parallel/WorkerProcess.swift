import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One running `parallel_worker.py` process and its two pipes.
///
/// Its stdout is read by a dedicated thread doing blocking reads, because a blocking read on
/// Swift's cooperative pool (two threads on a two-core machine) would starve every task.
/// Commands are written on a private serial dispatch queue for the same reason: a large
/// file list can fill the pipe while the worker is still busy with the previous mini-batch.
///
/// `@unchecked Sendable`: the stored properties are immutable after `init` except the exit
/// and write state, which `condition` guards.
final class WorkerProcess: @unchecked Sendable {
    let slot: Int
    let serial: Int
    let logPath: String

    private let process: Process
    private let input = Pipe()
    private let output = Pipe()
    private let writer: DispatchQueue
    private let condition = NSCondition()
    private var exitStatus: Int32?
    private var exitWaiters: [CheckedContinuation<Int32, Never>] = []
    /// Writes handed to `writer` and not yet done; direct writes wait their turn behind them.
    private var queuedWrites = 0
    /// Set once `closeInput` is queued: later writes must go through the queue, which knows
    /// the descriptor is closed by then (a direct write could hit a reused descriptor number).
    private var inputClosed = false

    /// Starts the worker; its lines and its exit arrive on `events`.
    init(
        launch: WorkerLaunch, slot: Int, serial: Int,
        events: AsyncStream<PoolEvent>.Continuation
    ) throws(ParallelPoolError) {
        self.slot = slot
        self.serial = serial
        self.logPath = launch.logPath(worker: slot)
        self.writer = DispatchQueue(label: "mlgitops.parallel-worker.\(slot).\(serial)")
        self.process = Process()

        do {
            try FileManager.default.createDirectory(
                atPath: launch.logDirectory, withIntermediateDirectories: true)
        } catch {
            throw .launchFailed("cannot create log directory \(launch.logDirectory): \(error)")
        }
        // The child's stderr is its log from the first byte: a harness that cannot even
        // start (bad interpreter flags, missing file) leaves its complaint where
        // `workerDied`/`initFailed` report the log tail from.
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            throw .launchFailed("cannot open worker log \(logPath): errno \(errno)")
        }
        let log = FileHandle(fileDescriptor: logFD, closeOnDealloc: true)

        process.executableURL = URL(fileURLWithPath: launch.python)
        process.arguments =
            [
                "-u", launch.harness, "--entry-script", launch.entryScript, "--code-dir",
                launch.codeDirectory, "--worker-id", String(slot), "--logging-level",
                launch.loggingLevel, "--log-file", logPath, "--",
            ] + launch.programArguments
        process.environment = launch.environment
        process.currentDirectoryURL = URL(fileURLWithPath: launch.codeDirectory)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = log
        process.terminationHandler = { [weak self] finished in
            let status =
                finished.terminationReason == .uncaughtSignal
                ? -finished.terminationStatus : finished.terminationStatus
            self?.recordExit(status)
        }
        do {
            try process.run()
        } catch {
            try? log.close()
            throw .launchFailed("cannot start \(launch.python): \(error)")
        }
        try? log.close()
        // Foundation closes these child-side ends itself; closing them again through the same
        // FileHandle is a no-op, and without it a missed close would mean we never see EOF.
        try? input.fileHandleForReading.close()
        try? output.fileHandleForWriting.close()

        let reader = Thread { [self] in self.readLines(into: events) }
        reader.name = "parallel-worker-\(slot)-reader"
        reader.start()
    }

    /// The worker's process id (also its process group: the harness calls `setpgrp`).
    var pid: Int32 { process.processIdentifier }

    /// Commands up to this size are written directly by the caller: the pool keeps at most
    /// `PoolRun.pipelineDepth` commands unread per worker, so small ones always fit the pipe
    /// (64 KiB) and the write cannot block, and skipping the queue saves a thread wake-up per
    /// mini-batch on a machine whose cores are busy running the workers.
    static let directWriteLimit = 16 * 1024

    /// Writes `bytes` to the worker's stdin, directly when small and nothing is queued ahead
    /// of it, else on the writer queue. Errors (the worker died) are dropped: its death
    /// reaches the pool through end of file on stdout.
    func send(_ bytes: [UInt8]) {
        let fd = input.fileHandleForWriting.fileDescriptor
        condition.lock()
        let direct = bytes.count <= Self.directWriteLimit && queuedWrites == 0 && !inputClosed
        if !direct { queuedWrites += 1 }
        condition.unlock()
        if direct {
            Self.writeAll(bytes, to: fd)
            return
        }
        writer.async { [self] in
            Self.writeAll(bytes, to: fd)
            condition.lock()
            queuedWrites -= 1
            condition.unlock()
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { raw in
            guard var base = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let written = write(fd, base, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                base += written
                left -= written
            }
        }
    }

    /// Closes stdin after the queued commands, which the harness treats as shutdown.
    func closeInput() {
        condition.lock()
        inputClosed = true
        condition.unlock()
        writer.async { [input] in try? input.fileHandleForWriting.close() }
    }

    /// SIGKILLs the worker and everything in its process group. Safe to call repeatedly and
    /// after it exited: the pid is only signalled while unreaped, so it cannot be reused.
    func kill() {
        condition.lock()
        defer { condition.unlock() }
        guard exitStatus == nil else { return }
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        _ = killProcess(-pid, SIGKILL)
        _ = killProcess(pid, SIGKILL)
    }

    /// Whether the process has been reaped.
    var hasExited: Bool {
        condition.lock()
        defer { condition.unlock() }
        return exitStatus != nil
    }

    /// Waits for the process to be reaped. Not cancellable on purpose: cleanup after a
    /// cancellation must still see every worker gone.
    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            condition.lock()
            if let status = exitStatus {
                condition.unlock()
                continuation.resume(returning: status)
            } else {
                exitWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    /// The last lines of the worker's log, for failure reports.
    func logTail(maxBytes: Int = 4096, maxLines: Int = 40) -> String {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return "" }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd() else { return "" }
        let start = end > UInt64(maxBytes) ? end - UInt64(maxBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil,
            let data = try? handle.readToEnd()
        else { return "" }
        var lines = String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        if start > 0, !lines.isEmpty { lines.removeFirst() }  // a partial first line
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.suffix(maxLines).joined(separator: "\n")
    }

    private func recordExit(_ status: Int32) {
        condition.lock()
        exitStatus = status
        let waiters = exitWaiters
        exitWaiters = []
        condition.broadcast()
        condition.unlock()
        for waiter in waiters { waiter.resume(returning: status) }
    }

    private func waitForExitBlocking() -> Int32 {
        condition.lock()
        defer { condition.unlock() }
        while exitStatus == nil { condition.wait() }
        return exitStatus ?? -1
    }

    /// The reader thread: splits stdout into lines, decodes each off the cooperative pool,
    /// and reports the exit only after the last line so no `done` is lost to a racing exit.
    private func readLines(into events: AsyncStream<PoolEvent>.Continuation) {
        let fd = output.fileHandleForReading.fileDescriptor
        let decoder = JSONDecoder()
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            var lineStart = 0
            for position in 0..<count where chunk[position] == UInt8(ascii: "\n") {
                let line: Data
                if pending.isEmpty {
                    line = Data(chunk[lineStart..<position])
                } else {
                    pending.append(contentsOf: chunk[lineStart..<position])
                    line = Data(pending)
                    pending.removeAll(keepingCapacity: true)
                }
                lineStart = position + 1
                guard !line.isEmpty else { continue }
                let message = WorkerMessage.decode(line, with: decoder)
                events.yield(.message(slot: slot, serial: serial, message))
            }
            if lineStart < count { pending.append(contentsOf: chunk[lineStart..<count]) }
        }
        let status = waitForExitBlocking()
        try? output.fileHandleForReading.close()
        events.yield(.exited(slot: slot, serial: serial, status: status))
    }
}

/// `kill(2)`, named apart from `WorkerProcess.kill()`.
private func killProcess(_ pid: pid_t, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}
