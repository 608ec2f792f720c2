import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// An `mlgitops` process run with the apply pause hook (`MLGITOPS_TEST_PAUSE_MS`), whose
/// standard error is watched for the hook's markers, so a test can SIGKILL it at a known point
/// of an apply or after a delay, and see when it holds the lease.
final class PausedApply: @unchecked Sendable {
    /// When to kill it.
    enum Kill: Sendable, CustomStringConvertible {
        /// At the `count`-th `point` marker (`started`: journalled, not performed; `performed`:
        /// made in the workspace, not yet recorded in the history).
        case atMarker(point: String, count: Int)
        /// After a delay from the start, wherever it is.
        case afterMicroseconds(Int)
        case never

        var description: String {
            switch self {
            case .atMarker(let point, let count): "at \(point) #\(count)"
            case .afterMicroseconds(let delay): "after \(delay / 1_000)ms"
            case .never: "never"
            }
        }
    }

    /// How it ended.
    struct Outcome: Sendable {
        var killed: Bool
        var status: Int32
        /// Markers it wrote, in order: `started 3`, `performed 3`, ...
        var markers: [String]
        var stderr: String
    }

    let process = Process()
    private let lock = NSLock()
    private var buffer = ""
    private var all = ""
    private var ended = false
    private var markers: [String] = []
    private var killed = false
    private let kill: Kill
    /// Waiters for a condition on what it printed, checked on every chunk of standard error.
    private var waiters: [(condition: @Sendable (_ markers: [String], _ stderr: String) -> Bool, CheckedContinuation<Void, Never>)] = []
    private let exited: AsyncStream<Void>
    private let exitContinuation: AsyncStream<Void>.Continuation

    init(_ arguments: [String], in directory: String, pauseMilliseconds: Int, gate: String? = nil, kill: Kill = .never) throws {
        self.kill = kill
        (exited, exitContinuation) = AsyncStream<Void>.makeStream()
        process.executableURL = URL(fileURLWithPath: MLGitOpsBinary.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["MLGITOPS_TEST_PAUSE_MS"] = String(pauseMilliseconds)
        if let gate { environment["MLGITOPS_TEST_PAUSE_GATE"] = gate }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            self.received(String(decoding: data, as: UTF8.self))
        }
        let continuation = exitContinuation
        process.terminationHandler = { [weak self] _ in
            self?.releaseWaiters()
            continuation.yield()
            continuation.finish()
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    private func received(_ text: String) {
        lock.lock()
        buffer += text
        all += text
        var ready: [CheckedContinuation<Void, Never>] = []
        while let newline = buffer.firstIndex(of: "\n") {
            let line = String(buffer[..<newline])
            buffer.removeSubrange(...newline)
            guard line.hasPrefix("mlgitops-test-pause: ") else { continue }
            let marker = String(line.dropFirst("mlgitops-test-pause: ".count))
            markers.append(marker)
            if case .atMarker(let point, let count) = kill, !killed,
                markers.filter({ $0.hasPrefix(point + " ") }).count >= count
            {
                // The process sleeps right after writing the marker: the signal lands there.
                killed = true
                Glibc.kill(process.processIdentifier, SIGKILL)
            }
        }
        waiters.removeAll { condition, continuation in
            guard condition(markers, all) else { return false }
            ready.append(continuation)
            return true
        }
        lock.unlock()
        ready.forEach { $0.resume() }
    }

    private func releaseWaiters() {
        lock.lock()
        ended = true
        let waiting = waiters.map(\.1)
        waiters.removeAll()
        lock.unlock()
        waiting.forEach { $0.resume() }
    }

    /// Waits until it wrote `count` markers (or ended).
    func waitForMarkers(_ count: Int) async {
        await waitUntil { markers, _ in markers.count >= count }
    }

    /// Waits until its standard error contains `text` (or it ended).
    func waitForOutput(containing text: String) async {
        await waitUntil { _, stderr in stderr.contains(text) }
    }

    private func waitUntil(_ condition: @escaping @Sendable ([String], String) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock {
                if condition(markers, all) || ended { return true }
                waiters.append((condition, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Runs it to its end (killing it as asked) and says how it ended.
    func finish() async throws -> Outcome {
        if case .afterMicroseconds(let delay) = kill {
            try await Task.sleep(nanoseconds: UInt64(delay) * 1_000)
            killNow()
        }
        for await _ in exited { break }
        // Let the last bytes of standard error arrive.
        try await Task.sleep(nanoseconds: 20_000_000)
        releaseWaiters()
        return outcome()
    }

    private func killNow() {
        lock.withLock {
            if process.isRunning {
                killed = true
                Glibc.kill(process.processIdentifier, SIGKILL)
            }
        }
    }

    private func outcome() -> Outcome {
        lock.withLock {
            Outcome(
                killed: killed && process.terminationReason == .uncaughtSignal, status: process.terminationStatus,
                markers: markers, stderr: all)
        }
    }
}

/// Reads a state's `history.sqlite` directly (Python's sqlite3), to see times to the
/// millisecond and the journal as written.
enum HistoryDatabase {
    static func query(_ state: String, _ sql: String) async throws -> [[Any]] {
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/bin/env"
        let script = "import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps([list(r) for r in c.execute(sys.argv[2])]))"
        let arguments = (python == "/usr/bin/env" ? ["python3"] : []) + ["-c", script, state + "/history.sqlite", sql]
        let result = try await ChildProcess.run(python, arguments, in: state)
        guard result.status == 0, let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[Any]] else {
            throw HistoryQueryFailure(sql: sql, output: result.output)
        }
        return rows
    }
}

/// A query of the history database failed.
struct HistoryQueryFailure: Error, CustomStringConvertible {
    var sql: String
    var output: String
    var description: String { "\(sql): \(output)" }
}
