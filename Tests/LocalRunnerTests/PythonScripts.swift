import Foundation
import XCTest

@testable import LocalRunner

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Test fixtures for `ParallelWorkerPoolTests`: a temp directory with an entry script, and
/// what the pool reported.
enum PythonScripts {
    /// The harness from the source tree; the lead wires `Bundle.module` for the product.
    static let harness: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("../../Sources/LocalRunner/Resources/parallel_worker.py")
        .standardized.path

    /// The real interpreter behind `python3` (a pyenv shim would add a shell script to every
    /// worker start). Found asynchronously so no test blocks a cooperative thread on it.
    static func python() async throws -> String {
        if let cached = PythonCache.value.withLock({ $0 }) { return cached }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
        let output = Pipe()
        process.standardOutput = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let data = (try? output.fileHandleForReading.readToEnd()) ?? Data()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, !path.isEmpty else { throw XCTSkip("python3 not available") }
        PythonCache.value.withLock { $0 = path }
        return path
    }

    /// A fresh directory holding `entry.py` with `source`; logs go to `<dir>/logs`.
    static func workspace(_ source: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pool-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try source.write(to: directory.appendingPathComponent("entry.py"), atomically: true, encoding: .utf8)
        return directory
    }

    static func launch(
        _ directory: URL, python: String, arguments: [String] = [], level: String = "INFO"
    ) -> WorkerLaunch {
        WorkerLaunch(
            python: python, harness: harness,
            entryScript: directory.appendingPathComponent("entry.py").path,
            codeDirectory: directory.path, programArguments: arguments,
            environment: ProcessInfo.processInfo.environment, loggingLevel: level,
            logDirectory: directory.appendingPathComponent("logs").path)
    }

    /// `count` file mini-batches of `size` made-up paths each (`/items/b<batch>-<item>`).
    static func fileBatches(_ count: Int, size: Int) -> [MiniBatch] {
        (0..<count).map { batch in
            MiniBatch(index: batch, payload: .files((0..<size).map { "/items/b\(batch)-\($0)" }))
        }
    }

    /// The worker pids an entry script appended to `pids.txt` in its `init()`.
    static func workerPids(_ directory: URL) -> [Int32] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("pids.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { Int32($0) }
    }

    /// Fails unless every pid is gone: not running and not a zombie (`kill(pid, 0)` still
    /// succeeds on a zombie).
    static func assertGone(_ pids: [Int32], file: StaticString = #filePath, line: UInt = #line) {
        for pid in pids {
            XCTAssertEqual(kill(pid, 0), -1, "worker \(pid) survived the pool", file: file, line: line)
        }
    }

    static func log(_ directory: URL, worker: Int = 0) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("logs/worker-\(worker).txt"), encoding: .utf8)) ?? ""
    }

    /// Prepended to entry scripts: records each worker's pid so tests can check none survive.
    static let recordPid = """
        import os
        def _record_pid():
            with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pids.txt"), "a") as f:
                f.write("%d\\n" % os.getpid())

        """
}

private enum PythonCache {
    static let value = Locked<String?>(nil)
}

/// A lock-protected value usable from `@Sendable` callbacks.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// Everything a pool reported, for assertions.
final class PoolReport: Sendable {
    let attempts = Locked<[MiniBatchAttempt]>([])
    let outcomes = Locked<[Int: MiniBatchOutcome]>([:])
    let finishedOrder = Locked<[Int]>([])

    var allAttempts: [MiniBatchAttempt] { attempts.withLock { $0 } }
    var allOutcomes: [Int: MiniBatchOutcome] { outcomes.withLock { $0 } }

    /// Runs `pool` over `batches`, recording everything; `decide` answers each `finished`.
    func run(
        _ pool: ParallelWorkerPool, _ batches: [MiniBatch],
        decide: @escaping @Sendable (Int, MiniBatchOutcome) -> PoolDecision = { _, _ in .proceed }
    ) async throws {
        try await pool.run(
            batches,
            attempted: { attempt in self.attempts.withLock { $0.append(attempt) } },
            finished: { index, outcome in
                self.outcomes.withLock { $0[index] = outcome }
                self.finishedOrder.withLock { $0.append(index) }
                return decide(index, outcome)
            })
    }
}
