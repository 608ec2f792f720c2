import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Jobs really run by the local workspace: real git repositories, the built binary, real
/// Python workers, a real SQLite state. Each test reads the outcome as a user would, through
/// `jobs show --output json`, the step's logs and the gathered rows.
@Suite("Local runs", .serialized)
struct LocalRunTests {
    let job = "pipelines-score"

    @Test func aPipelineRunsToCompletedWithOneRowPerItem() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeItems(7)
        try fixture.writeParallelPipeline(batchSize: 2)
        try fixture.commit()
        let result = try await fixture.reconcileAndWait()
        #expect(result.status == 0, "\(result.output)")
        let document = try await fixture.show(job)
        #expect(document["state"] as? String == "Completed", "\(document)")
        let rows = fixture.rows(of: document)
        #expect(rows.sorted() == (0..<7).map { String(format: "item-%03d.txt", $0) })
        #expect(fixture.log(document, file: "job_result.txt").hasPrefix("Result: Completed"))
        let progress = fixture.step(document, "score")["progress"] as? [String: Any]
        #expect(progress?["total"] as? Int == 4)
        #expect(progress?["succeeded"] as? Int == 4)
    }

    @Test func itemsThatRaiseAreRetriedThenTheThresholdDecides() async throws {
        // Two items always raise: with mini_batch_error_threshold 2 the job completes, with 1 it fails.
        for (threshold, expected) in [(2, "Completed"), (1, "Failed")] {
            let fixture = try LocalRunFixture()
            try fixture.writeItems(6, bad: [1, 4])
            try fixture.writeParallelPipeline(
                maxRetries: 2, miniBatchErrorThreshold: threshold, variables: ["ALWAYS_FAIL": "bad"])
            try fixture.commit()
            let result = try await fixture.reconcileAndWait()
            let document = try await fixture.show(job)
            #expect(document["state"] as? String == expected, "threshold \(threshold): \(result.output)")
            let log = fixture.log(document)
            // max_retries 2: three attempts of each bad mini-batch, each logged.
            for attempt in 1...3 {
                #expect(log.contains("attempt \(attempt) failed: run() raised ValueError: cannot score bad-001.txt"), "\(log)")
            }
            let summary = fixture.log(document, file: "job_result.txt")
            #expect(summary.hasPrefix(expected == "Completed" ? "Result: Completed" : "Result: Failed"), "\(summary)")
            if expected == "Failed" {
                #expect((document["reason"] as? String ?? "").contains("mini_batch_error_threshold 1"), "\(document)")
                #expect(result.status == 1)
            } else {
                #expect(fixture.rows(of: document).count == 4)
            }
        }
    }

    @Test func aTransientFailureSucceedsOnRetry() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeItems(4)
        try fixture.writeParallelPipeline(maxRetries: 1, miniBatchErrorThreshold: 0, variables: ["FAIL_ONCE": "item-002"])
        try fixture.commit()
        let result = try await fixture.reconcileAndWait()
        let document = try await fixture.show(job)
        #expect(document["state"] as? String == "Completed", "\(result.output)")
        #expect(fixture.log(document).contains("attempt 1 failed: run() raised RuntimeError: transient failure on item-002.txt"))
        #expect(fixture.rows(of: document).count == 4)
    }

    @Test func aMiniBatchPastItsTimeoutIsKilledAndRetried() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeItems(3)
        try fixture.writeParallelPipeline(maxRetries: 1, timeout: 2, miniBatchErrorThreshold: 0, variables: ["SLOW_ONCE": "item-001"])
        try fixture.commit()
        let started = Date()
        let result = try await fixture.reconcileAndWait()
        let document = try await fixture.show(job)
        #expect(document["state"] as? String == "Completed", "\(result.output)")
        #expect(fixture.log(document).contains("attempt 1 failed: run() took longer than retry_settings.timeout (2 s)"))
        #expect(fixture.rows(of: document).sorted() == ["item-000.txt", "item-001.txt", "item-002.txt"])
        // The sleeping worker (60 s) was killed, not waited for.
        #expect(Date().timeIntervalSince(started) < 45)
    }

    @Test func allowedFailedPercentDecidesAlone() async throws {
        // 1 of 10 mini-batches fails (10%): other thresholds off; 5% fails the job, 20% lets it complete.
        for (percent, expected) in [(5, "Failed"), (20, "Completed")] {
            let fixture = try LocalRunFixture()
            try fixture.writeItems(10, bad: [3])
            try fixture.writeParallelPipeline(
                maxRetries: 0, miniBatchErrorThreshold: -1, errorThreshold: -1, allowedFailedPercent: percent,
                variables: ["ALWAYS_FAIL": "bad"])
            try fixture.commit()
            _ = try await fixture.reconcileAndWait()
            let document = try await fixture.show(job)
            #expect(document["state"] as? String == expected, "allowed_failed_percent \(percent): \(document)")
            if expected == "Failed" {
                #expect((document["reason"] as? String ?? "").contains("allowed_failed_percent 5%"), "\(document)")
            }
        }
    }

    @Test func errorThresholdCountsItemsWithoutRows() async throws {
        // Sorted, the first mini-batch is bad-000, bad-005, item-001: run() returns one row for
        // its three items, so 2 items fail; error_threshold 1 fails the job.
        let fixture = try LocalRunFixture()
        try fixture.writeItems(6, bad: [0, 5])
        try fixture.writeParallelPipeline(batchSize: 3, maxRetries: 0, errorThreshold: 1, variables: ["FEWER_ROWS": "bad"])
        try fixture.commit()
        _ = try await fixture.reconcileAndWait()
        let document = try await fixture.show(job)
        #expect(document["state"] as? String == "Failed")
        #expect((document["reason"] as? String ?? "").contains("more than error_threshold 1"), "\(document)")
        #expect(fixture.log(document).contains("run() returned 1 row for 3 items"))
    }

    @Test func aJobNeedingMoreQuotaThanExistsIsBlockedByThePlanWithTheCountThatFits() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeQuota(dedicatedCores: 8)
        try fixture.writeCommandJob(name: "wide", command: "python -c pass", instances: 3, serverless: true)
        try fixture.commit()
        // The platform would refuse the submission (JobNodeCountExceedsCoreQuota): the plan
        // blocks it before anything runs, and the job never reaches the workspace.
        let result = try await fixture.mlgitops(
            ["reconcile", "--repo", fixture.repo.path, "--path", "ml", "--state", fixture.state, "--wait", "--output", "json"])
        #expect(result.status == 0, "\(result.output)")
        let plan = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        let job = (plan["actions"] as? [[String: Any]])?.first { $0["resource"] as? String == "job/jobs-wide" }
        let reason = job?["blockedBy"] as? [String: Any]
        #expect(job?["action"] as? String == "blocked", "\(result.stdout)")
        #expect(reason?["code"] as? String == "JobNodeCountExceedsCoreQuota")
        #expect((reason?["message"] as? String ?? "").contains("need 12 dedicated cores"), "\(reason ?? [:])")
        #expect((reason?["message"] as? String ?? "").contains("instance_count 2 fits"), "\(reason ?? [:])")
        let listed = try await fixture.mlgitops(["jobs", "list", "--state", fixture.state, "--output", "json"])
        #expect(!listed.stdout.contains("jobs-wide"), "\(listed.stdout)")
    }

    @Test func aJobWhoseQuotaShrankAfterSubmissionFailsAtRunTimeWithTheCountThatFits() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeQuota(dedicatedCores: 16)
        try fixture.writeCommandJob(name: "wide", command: "python -c pass", instances: 3, serverless: true)
        try fixture.commit()
        #expect(try await fixture.reconcile().status == 0)
        // The quota shrinks after the submission: the runner judges the job when it runs.
        let quota = fixture.repo.path + "/ml/policies/quota.yml"
        let text = try String(contentsOfFile: quota, encoding: .utf8)
        try fixture.repo.write("ml/policies/quota.yml", text.replacingOccurrences(of: "dedicated_cores: 16", with: "dedicated_cores: 8"))
        try fixture.commit()
        #expect(try await fixture.reconcile().status == 0)
        _ = try await fixture.mlgitops(["jobs", "run", "--state", fixture.state])
        let document = try await fixture.show("jobs-wide")
        #expect(document["state"] as? String == "Failed")
        let reason = document["reason"] as? String ?? ""
        #expect(reason.contains("needs 12 dedicated cores"), "\(reason)")
        #expect(reason.contains("2 node(s) fit"), "\(reason)")
    }

    @Test func twoJobsCompetingForOneQuotaRunOneAfterTheOther() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeQuota(dedicatedCores: 4)
        try fixture.writeCommandJob(name: "first", command: "sleep 3", serverless: true)
        try fixture.writeCommandJob(name: "second", command: "sleep 3", serverless: true)
        try fixture.commit()
        #expect(try await fixture.reconcile().status == 0)
        let runner = try BackgroundRunner(fixture: fixture)
        // While one runs, the other waits in the queue and says why.
        var waiting: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let documents = [try await fixture.show("jobs-first"), try await fixture.show("jobs-second")]
            if let queued = documents.first(where: { $0["state"] as? String == "Queued" }),
               documents.contains(where: { $0["state"] as? String == "Running" }) {
                waiting = queued
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect((waiting["reason"] as? String ?? "").contains("waiting for quota"), "\(waiting)")
        #expect(try await runner.finish() == 0)
        let first = try await fixture.show("jobs-first"), second = try await fixture.show("jobs-second")
        #expect(first["state"] as? String == "Completed")
        #expect(second["state"] as? String == "Completed")
        let spans = [first, second].compactMap { Self.span($0) }.sorted { $0.start < $1.start }
        #expect(spans.count == 2)
        if spans.count == 2 { #expect(spans[1].start >= spans[0].end, "the second must start after the first ends: \(spans)") }
    }

    @Test func killingTheRunnerMidJobNeitherStrandsItNorDuplicatesRows() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeItems(40)
        try fixture.writeParallelPipeline(batchSize: 2, variables: ["SLEEP": "0.15"])
        try fixture.commit()
        #expect(try await fixture.reconcile().status == 0)
        let runner = try BackgroundRunner(fixture: fixture)
        let deadline = Date().addingTimeInterval(60)
        var succeeded = 0
        while Date() < deadline, succeeded < 5 {
            try await Task.sleep(for: .milliseconds(200))
            let progress = fixture.step(try await fixture.show(job), "score")["progress"] as? [String: Any]
            succeeded = progress?["succeeded"] as? Int ?? 0
        }
        #expect(succeeded >= 5)
        runner.kill()
        let stranded = try await fixture.show(job)
        #expect(stranded["state"] as? String == "Running", "before recovery the dead runner's job still looks running")

        let resumed = try await fixture.mlgitops(["jobs", "run", "--state", fixture.state])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("stopped; now"), "the new runner reports what it recovered: \(resumed.output)")
        let document = try await fixture.show(job)
        #expect(document["state"] as? String == "Completed", "\(document)")
        let rows = fixture.rows(of: document)
        #expect(rows.count == 40, "one row per item, never twice: \(rows.count)")
        #expect(Set(rows).count == 40)
        let steps = document["steps"] as? [[String: Any]] ?? []
        #expect(!steps.contains { $0["state"] as? String == "Running" })
        #expect(fixture.log(document).contains("already finished"))
    }

    @Test func cancelingARunningJobStopsItsProcesses() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeCommandJob(name: "long", command: "sleep 120")
        try fixture.commit()
        #expect(try await fixture.reconcile().status == 0)
        let runner = try BackgroundRunner(fixture: fixture)
        try await fixture.waitFor("jobs-long", state: "Running")
        let cancel = try await fixture.mlgitops(["jobs", "cancel", "jobs-long", "--state", fixture.state])
        #expect(cancel.stdout.contains("CancelRequested"), "\(cancel.output)")
        #expect(try await runner.finish(timeout: 20) == 0)
        let document = try await fixture.show("jobs-long")
        #expect(document["state"] as? String == "Canceled")
    }

    @Test func aCommandPastLimitsTimeoutIsKilled() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeCommandJob(name: "slow", command: "sleep 60", timeout: 2)
        try fixture.commit()
        let started = Date()
        _ = try await fixture.reconcileAndWait()
        let document = try await fixture.show("jobs-slow")
        #expect(document["state"] as? String == "Failed")
        #expect((document["reason"] as? String ?? "").contains("limits.timeout (2 s)"))
        #expect(Date().timeIntervalSince(started) < 40)
    }

    @Test func aPreemptedStepRestartsAndKeepsItsFinishedMiniBatches() async throws {
        let fixture = try LocalRunFixture()
        try fixture.writeItems(30)
        try fixture.writeParallelPipeline(batchSize: 2, variables: ["SLEEP": "0.1"])
        try fixture.commit()
        #expect(try await fixture.reconcile().status == 0)
        let runner = try BackgroundRunner(fixture: fixture)
        var succeeded = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, succeeded < 3 {
            try await Task.sleep(for: .milliseconds(100))
            succeeded = (fixture.step(try await fixture.show(job), "score")["progress"] as? [String: Any])?["succeeded"] as? Int ?? 0
        }
        let preempt = try await fixture.mlgitops(["jobs", "preempt", job, "--step", "score", "--state", fixture.state])
        #expect(preempt.status == 0, "\(preempt.output)")
        #expect(try await runner.finish() == 0)
        let document = try await fixture.show(job)
        #expect(document["state"] as? String == "Completed")
        #expect(fixture.step(document, "score")["attempt"] as? Int == 2)
        #expect(fixture.log(document).contains("pre-empted"))
        let rows = fixture.rows(of: document)
        #expect(rows.count == 30 && Set(rows).count == 30)
    }

    @Test func aFailedEnvironmentBuildFailsItsJobsWithTheLogAndIsNotRetriedForTheSameHash() async throws {
        let fixture = try LocalRunFixture()
        try fixture.repo.write("ml/environments/broken.yml", """
            name: broken-env
            image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1
            conda_file: conda.yml
            """)
        try fixture.repo.write("ml/environments/conda.yml", """
            name: broken
            dependencies:
              - python=3.11
              - pip:
                  - mlgitops-no-such-package-anywhere==0.0.1
            """)
        try fixture.repo.write("ml/jobs/needs.yml", """
            type: command
            command: python -c pass
            code: ../src
            environment: azureml:broken-env@latest
            compute: azureml:cpu-cluster
            """)
        try fixture.commit()
        let result = try await fixture.reconcileAndWait()
        #expect(result.status == 1)
        let document = try await fixture.show("jobs-needs")
        #expect(document["state"] as? String == "Failed")
        let reason = document["reason"] as? String ?? ""
        #expect(reason.contains("environment build build-"), "\(reason)")
        #expect(reason.contains("mlgitops-no-such-package-anywhere"), "the log's tail names the package: \(reason)")
        let logPath = try #require(reason.split(separator: "(log: ").last?.split(separator: ")").first.map(String.init))
        let before = try FileManager.default.attributesOfItem(atPath: logPath)[.modificationDate] as? Date

        // Same definition: a second run finds the failed build and does not try again.
        _ = try await fixture.mlgitops(["jobs", "run", "--state", fixture.state])
        let after = try FileManager.default.attributesOfItem(atPath: logPath)[.modificationDate] as? Date
        #expect(before == after)
    }

    @Test func continueOnStepFailureRunsWhatDoesNotDependOnTheFailedStep() async throws {
        let fixture = try LocalRunFixture()
        try fixture.repo.write("ml/pipelines/steps.yml", """
            type: pipeline
            settings:
              default_compute: azureml:cpu-cluster
              continue_on_step_failure: true
            inputs:
              greeting: hello
            jobs:
              broken:
                type: command
                command: echo about to fail; exit 3
                environment: azureml:local-env@latest
                outputs:
                  data:
                    type: uri_folder
              independent:
                type: command
                code: ../src
                environment: azureml:local-env@latest
                command: echo "${{inputs.word}} $GREETING" > ${{outputs.said}}/said.txt
                environment_variables:
                  GREETING: world
                inputs:
                  word: ${{parent.inputs.greeting}}
                outputs:
                  said:
                    type: uri_folder
              downstream:
                type: command
                environment: azureml:local-env@latest
                command: ls ${{inputs.data}}
                inputs:
                  data:
                    type: uri_folder
                    path: ${{parent.jobs.broken.outputs.data}}
            """)
        try fixture.commit()
        _ = try await fixture.reconcileAndWait()
        let document = try await fixture.show("pipelines-steps")
        #expect(document["state"] as? String == "Failed")
        #expect(fixture.step(document, "broken")["state"] as? String == "Failed")
        #expect((fixture.step(document, "broken")["reason"] as? String ?? "").contains("exited with status 3"))
        #expect(fixture.log(document, step: "broken").contains("about to fail"))
        #expect(fixture.step(document, "independent")["state"] as? String == "Completed")
        let said = (fixture.step(document, "independent")["outputs"] as? [String: String])?["said"] ?? ""
        #expect((try? String(contentsOfFile: said + "/said.txt", encoding: .utf8)) == "hello world\n")
        #expect(fixture.step(document, "downstream")["state"] as? String == "Canceled")
        #expect((fixture.step(document, "downstream")["reason"] as? String ?? "").contains("step broken"))
    }

    static func span(_ document: [String: Any]) -> (start: Date, end: Date)? {
        let format = ISO8601DateFormatter()
        guard let start = (document["startedAt"] as? String).flatMap(format.date(from:)),
              let end = (document["endedAt"] as? String).flatMap(format.date(from:))
        else { return nil }
        return (start, end)
    }
}

extension LocalRunFixture {
    func waitFor(_ name: String, state expected: String, timeout: TimeInterval = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await show(name)["state"] as? String == expected { return }
            try await Task.sleep(for: .milliseconds(150))
        }
        Issue.record("\(name) never reached \(expected): \(try await show(name))")
    }
}

/// `mlgitops jobs run` in the background, as a second terminal would run it.
final class BackgroundRunner: @unchecked Sendable {
    let process = Process()

    init(fixture: LocalRunFixture) throws {
        process.executableURL = URL(fileURLWithPath: MLGitOpsBinary.path)
        process.arguments = ["jobs", "run", "--state", fixture.state]
        process.currentDirectoryURL = URL(fileURLWithPath: fixture.repo.path)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// SIGKILL: no chance to hand anything back.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits for the runner to finish its work; its exit status.
    func finish(timeout: TimeInterval = 90) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning {
            kill()
            Issue.record("the runner did not finish within \(timeout) s")
        }
        return process.terminationStatus
    }
}
