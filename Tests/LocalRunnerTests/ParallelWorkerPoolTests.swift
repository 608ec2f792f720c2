import Foundation
import XCTest

@testable import LocalRunner

/// Real worker processes running real entry scripts through `parallel_worker.py`.
final class ParallelWorkerPoolTests: XCTestCase {
    private func pool(
        _ directory: URL, workers: Int = 2, maxRetries: Int = 2, arguments: [String] = [],
        level: String = "INFO", timeouts: MiniBatchTimeouts = MiniBatchTimeouts()
    ) async throws -> ParallelWorkerPool {
        let python = try await PythonScripts.python()
        return ParallelWorkerPool(
            launch: PythonScripts.launch(directory, python: python, arguments: arguments, level: level),
            workers: workers, maxRetries: maxRetries, timeouts: timeouts)
    }

    func testEveryBatchSucceedsWithItsOwnRows() async throws {
        let directory = try PythonScripts.workspace(
            PythonScripts.recordPid + """
                def init():
                    _record_pid()
                    print("this goes to the worker log, not the protocol")

                def run(mini_batch):
                    print("running", mini_batch)
                    return [[os.path.basename(p), "ok"] for p in mini_batch] + [{"b": 1, "a": "x\\ny"}, "p\\nq\\r\\nr"]
                """)
        let batches = PythonScripts.fileBatches(7, size: 3)
        let report = PoolReport()
        try await report.run(try await pool(directory), batches)

        let outcomes = report.allOutcomes
        XCTAssertEqual(outcomes.count, 7)
        for batch in batches {
            guard case .succeeded(let rows, let attempts) = outcomes[batch.index] else {
                return XCTFail("batch \(batch.index): \(String(describing: outcomes[batch.index]))")
            }
            XCTAssertEqual(
                rows, (0..<3).map { "b\(batch.index)-\($0) ok" } + [#"{"a": "x\ny", "b": 1}"#, "p q r"])
            XCTAssertEqual(attempts.map(\.attempt), [1])
        }
        XCTAssertEqual(report.allAttempts.count, 7)
        XCTAssertEqual(report.finishedOrder.withLock { Set($0) }, Set(0..<7))
        let pids = PythonScripts.workerPids(directory)
        XCTAssertEqual(pids.count, 2)
        PythonScripts.assertGone(pids)
        XCTAssertTrue(PythonScripts.log(directory).contains("this goes to the worker log"))
    }

    func testTabularBatchArrivesAsRows() async throws {
        let directory = try PythonScripts.workspace(
            """
            def run(mini_batch):
                # a DataFrame with pandas, a list of dicts without: both iterate by row via len/index
                try:
                    records = mini_batch.to_dict("records")
                except AttributeError:
                    records = mini_batch
                return ["%s=%s" % (r["name"], r["value"]) for r in records]
            """)
        let csv = directory.appendingPathComponent("chunk.csv")
        try "name,value\na,1\nb,2\n".write(to: csv, atomically: true, encoding: .utf8)
        let report = PoolReport()
        try await report.run(
            try await pool(directory, workers: 1),
            [MiniBatch(index: 4, payload: .tabular(csvPath: csv.path, rows: 2, partition: nil))])
        guard case .succeeded(let rows, _) = report.allOutcomes[4] else {
            return XCTFail("\(report.allOutcomes)")
        }
        XCTAssertEqual(rows, ["a=1", "b=2"])
    }

    func testRaisingBatchIsRetriedThenFails() async throws {
        let directory = try PythonScripts.workspace(
            """
            def run(mini_batch):
                if any("b1-" in p for p in mini_batch):
                    raise ValueError("bad item\\nsecond line")
                return mini_batch
            """)
        let report = PoolReport()
        try await report.run(try await pool(directory, maxRetries: 2), PythonScripts.fileBatches(3, size: 2))
        let outcomes = report.allOutcomes
        guard case .failed(let attempts) = outcomes[1] else { return XCTFail("\(outcomes)") }
        XCTAssertEqual(attempts.map(\.attempt), [1, 2, 3])
        for attempt in attempts {
            guard case .raised(let error, let traceback) = attempt.failure else {
                return XCTFail("\(attempt)")
            }
            XCTAssertEqual(error, "ValueError: bad item second line")
            XCTAssertTrue(traceback.contains("Traceback"))
        }
        guard case .succeeded = outcomes[0], case .succeeded = outcomes[2] else {
            return XCTFail("\(outcomes)")
        }
        XCTAssertEqual(report.allAttempts.count, 5)
    }

    func testFewerRowsThanItemsFails() async throws {
        let directory = try PythonScripts.workspace(
            """
            def run(mini_batch):
                return mini_batch[:-1]
            """)
        let report = PoolReport()
        try await report.run(try await pool(directory, workers: 1, maxRetries: 0), PythonScripts.fileBatches(1, size: 3))
        guard case .failed(let attempts) = report.allOutcomes[0] else {
            return XCTFail("\(report.allOutcomes)")
        }
        XCTAssertEqual(attempts.map(\.failure), [.fewerRows(returned: 2, items: 3)])
    }

    func testNoneCountsAsNoRows() async throws {
        let directory = try PythonScripts.workspace("def run(mini_batch):\n    return None\n")
        let report = PoolReport()
        try await report.run(try await pool(directory, workers: 1, maxRetries: 0), PythonScripts.fileBatches(1, size: 1))
        XCTAssertEqual(report.allAttempts.map(\.failure), [.fewerRows(returned: 0, items: 1)])
    }

    func testRunPastTimeoutIsKilledAndRetriedOnFreshWorker() async throws {
        let directory = try PythonScripts.workspace(
            PythonScripts.recordPid + """
                import time
                MARKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "slept")

                def init():
                    _record_pid()

                def run(mini_batch):
                    if not os.path.exists(MARKER):
                        open(MARKER, "w").close()
                        time.sleep(30)
                    return mini_batch
                """)
        let started = ContinuousClock.now
        let report = PoolReport()
        try await report.run(
            try await pool(directory, workers: 1, timeouts: MiniBatchTimeouts(run: .milliseconds(700))),
            PythonScripts.fileBatches(1, size: 2))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        guard case .succeeded(let rows, let attempts) = report.allOutcomes[0] else {
            return XCTFail("\(report.allOutcomes)")
        }
        XCTAssertEqual(rows, ["/items/b0-0", "/items/b0-1"])
        XCTAssertEqual(attempts.count, 2)
        guard case .timedOut(let seconds) = attempts[0].failure else { return XCTFail("\(attempts)") }
        XCTAssertGreaterThanOrEqual(seconds, 0.7)
        XCTAssertNil(attempts[1].failure)
        let pids = PythonScripts.workerPids(directory)
        XCTAssertEqual(pids.count, 2, "the retry must run on a fresh worker that ran init() again")
        PythonScripts.assertGone(pids)
    }

    func testInitFailureStopsThePool() async throws {
        let directory = try PythonScripts.workspace(
            """
            def init():
                raise RuntimeError("no model here")

            def run(mini_batch):
                return mini_batch
            """)
        let report = PoolReport()
        do {
            try await report.run(try await pool(directory), PythonScripts.fileBatches(4, size: 1))
            XCTFail("init failure must throw")
        } catch let error as ParallelPoolError {
            guard case .initFailed(_, let message, let tail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(message, "RuntimeError: no model here")
            XCTAssertTrue(tail.contains("no model here"), tail)
        }
        XCTAssertTrue(report.allOutcomes.isEmpty)
    }

    func testWorkerThatExitsIsReplacedAndBatchRetried() async throws {
        let directory = try PythonScripts.workspace(
            """
            import os
            MARKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "died")

            def run(mini_batch):
                if not os.path.exists(MARKER):
                    open(MARKER, "w").close()
                    print("about to exit hard", flush=True)
                    os._exit(7)
                return mini_batch
            """)
        let report = PoolReport()
        try await report.run(try await pool(directory, workers: 1), PythonScripts.fileBatches(3, size: 1))
        let outcomes = report.allOutcomes
        guard case .succeeded(_, let attempts) = outcomes[0] else { return XCTFail("\(outcomes)") }
        guard case .workerDied(let status, let tail) = attempts.first?.failure else {
            return XCTFail("\(attempts)")
        }
        XCTAssertEqual(status, 7)
        XCTAssertTrue(tail.contains("about to exit hard"), tail)
        XCTAssertEqual(attempts.count, 2)
        // Batch 1 was queued behind batch 0 on the dead worker: requeued, not charged an attempt.
        guard case .succeeded(_, let second) = outcomes[1], case .succeeded = outcomes[2] else {
            return XCTFail("\(outcomes)")
        }
        XCTAssertEqual(second.map(\.attempt), [1])
    }

    func testStopEndsThePoolEarly() async throws {
        let directory = try PythonScripts.workspace(
            PythonScripts.recordPid + """
                import time
                def init():
                    _record_pid()

                def run(mini_batch):
                    if "/items/b0-0" not in mini_batch:
                        time.sleep(20)
                    return mini_batch
                """)
        let report = PoolReport()
        let started = ContinuousClock.now
        do {
            try await report.run(try await pool(directory), PythonScripts.fileBatches(20, size: 1)) { _, _ in
                .stop(reason: "error threshold")
            }
            XCTFail("stop must throw")
        } catch let error as ParallelPoolError {
            XCTAssertEqual(error, .stopped(reason: "error threshold"))
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        XCTAssertEqual(report.finishedOrder.withLock { $0 }, [0])
        PythonScripts.assertGone(PythonScripts.workerPids(directory))
    }

    func testCancellationKillsWorkers() async throws {
        let directory = try PythonScripts.workspace(
            PythonScripts.recordPid + """
                import time
                def init():
                    _record_pid()

                def run(mini_batch):
                    time.sleep(30)
                    return mini_batch
                """)
        let pool = try await pool(directory)
        let report = PoolReport()
        let task = Task { try await report.run(pool, PythonScripts.fileBatches(4, size: 1)) }
        let started = ContinuousClock.now
        while PythonScripts.workerPids(directory).count < 2, ContinuousClock.now - started < .seconds(10) {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        XCTAssertThrowsError(try result.get()) { XCTAssertTrue($0 is CancellationError, "\($0)") }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        PythonScripts.assertGone(PythonScripts.workerPids(directory))
    }

    func testProgramArgumentsReachSysArgv() async throws {
        let directory = try PythonScripts.workspace(
            """
            import argparse, os, sys

            def init():
                global ARGS
                parser = argparse.ArgumentParser()
                parser.add_argument("--model-name")
                ARGS, _ = parser.parse_known_args()

            def run(mini_batch):
                return [" ".join([ARGS.model_name, os.path.basename(sys.argv[0])] + sys.argv[1:])
                        for _ in mini_batch]
            """)
        let report = PoolReport()
        try await report.run(
            try await pool(directory, workers: 1, arguments: ["--model-name", "resnet", "--extra", "x y"]),
            PythonScripts.fileBatches(1, size: 1))
        guard case .succeeded(let rows, _) = report.allOutcomes[0] else {
            return XCTFail("\(report.allOutcomes)")
        }
        XCTAssertEqual(rows, ["resnet entry.py --model-name resnet --extra x y"])
    }

    func testLoggingLevelIsHonoured() async throws {
        let source = """
            import logging
            def run(mini_batch):
                logging.getLogger("user").debug("debug-marker")
                logging.getLogger("user").warning("warning-marker")
                return mini_batch
            """
        for level in ["DEBUG", "INFO"] {
            let directory = try PythonScripts.workspace(source)
            try await PoolReport().run(
                try await pool(directory, workers: 1, level: level), PythonScripts.fileBatches(1, size: 1))
            let log = PythonScripts.log(directory)
            XCTAssertTrue(log.contains("warning-marker"), log)
            XCTAssertEqual(log.contains("debug-marker"), level == "DEBUG", "\(level): \(log)")
        }
    }

    func testCommandEncodingEscapesPaths() throws {
        let bytes = WorkerCommand.run(
            MiniBatch(index: 3, payload: .files(["/a \"q\"\\b\n"])), attempt: 2)
        let object = try JSONSerialization.jsonObject(with: Data(bytes.dropLast())) as? [String: Any]
        XCTAssertEqual(object?["items"] as? [String], ["/a \"q\"\\b\n"])
        XCTAssertEqual(object?["batch"] as? Int, 3)
        XCTAssertEqual(object?["attempt"] as? Int, 2)
        XCTAssertEqual(bytes.last, UInt8(ascii: "\n"))
    }
}
