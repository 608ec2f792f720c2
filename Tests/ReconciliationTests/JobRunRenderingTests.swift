import Foundation
import Rendering
import Testing
import Workspaces

@Suite("Rendering of job runs: aligned table, detail, live progress, stable JSON")
struct JobRunRenderingTests {
    // 2025-03-01 12:00:00 UTC.
    static let t0 = Date(timeIntervalSince1970: 1_740_830_400)
    static let now: @Sendable () -> Date = { t0.addingTimeInterval(3600) }

    func scoring(score: MiniBatchProgress? = MiniBatchProgress(succeeded: 3, failed: 0, total: 5, items: 30), scoreReason: String? = nil) -> JobRun {
        JobRun(
            name: "nightly-scoring-3f2a1b", logicalName: "nightly-scoring", state: .running, reason: nil,
            trigger: "schedule nightly at 2025-03-01T12:00:00Z", submittedAt: Self.t0,
            startedAt: Self.t0.addingTimeInterval(2), endedAt: nil,
            steps: [
                StepRun(name: "prep", type: "command", state: .completed, compute: "cpu-cluster", startedAt: Self.t0, endedAt: Self.t0.addingTimeInterval(30), outputs: ["data": "/state/jobs/n/prep/outputs/data"], logs: "/state/jobs/n/prep/logs"),
                StepRun(name: "score", type: "parallel", state: .running, reason: scoreReason, compute: "cpu-cluster", nodes: 2, attempt: 2, startedAt: Self.t0.addingTimeInterval(31), outputs: ["scored": "/state/jobs/n/score/outputs/scored"], logs: "/state/jobs/n/score/logs", progress: score),
                StepRun(name: "publish", type: "command", state: .notStarted),
            ],
            directory: "/state/jobs/nightly-scoring-3f2a1b")
    }

    var runs: [JobRun] {
        [
            scoring(),
            JobRun(
                name: "train", logicalName: "train", state: .completed, reason: nil, trigger: "reconcile",
                submittedAt: Self.t0, startedAt: Self.t0, endedAt: Self.t0.addingTimeInterval(64),
                steps: [StepRun(name: "train", type: "command", state: .completed)], directory: "/state/jobs/train"),
            JobRun(
                name: "a-much-longer-job-name-than-the-others", logicalName: "x", state: .queued,
                reason: "waiting for 4 nodes of gpu-cluster:\nquota of family NCv3 is held by 3 other jobs " + String(repeating: "and more ", count: 20),
                trigger: "reconcile", submittedAt: Self.t0.addingTimeInterval(5), startedAt: nil, endedAt: nil,
                steps: [StepRun(name: "a", type: "command", state: .queued)], directory: "/state/jobs/a"),
            JobRun(
                name: "broken", logicalName: "broken", state: .failed, reason: "exit code 1", trigger: "reconcile",
                submittedAt: Self.t0, startedAt: Self.t0, endedAt: Self.t0.addingTimeInterval(7300), steps: [], directory: "/state/jobs/broken"),
        ]
    }

    static func stripEscapes(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    @Test func listColumnsStartAtTheSameOffsetOnEveryRow() throws {
        let text = JobRunText(style: .plain, now: Self.now).list(runs)
        let lines = text.split(separator: "\n").map { Array($0) }
        #expect(lines.count == 5)
        let header = String(lines[0])
        let labels = ["NAME", "STATE", "STEPS", "SUBMITTED", "DURATION", "REASON"]
        let offsets = try labels.map { label in
            try #require(header.range(of: label)).lowerBound.utf16Offset(in: header)
        }
        #expect(offsets == offsets.sorted() && offsets[0] == 0)
        for line in lines {
            for offset in offsets.dropFirst() {
                #expect(line.count > offset, "row too short: \(String(line))")
                guard line.count > offset else { continue }
                #expect(line[offset - 1] == " " && line[offset] != " ", "column at \(offset) misaligned in: \(String(line))")
            }
        }
        #expect(!text.contains { $0 == "\u{1B}" })
        #expect(text.contains("1/3 done"))  // only prep is completed
        #expect(text.contains("1/1 done"))
        #expect(text.contains("2025-03-01 12:00:00"))
        #expect(text.contains("1m04s"))  // train: 64 s
        #expect(text.contains("59m58s"))  // scoring still runs: now - startedAt
        #expect(text.contains("2h01m"))  // broken: 7300 s
        // The queued job never started, and its long, two-line reason is cut to one readable line.
        let queued = try #require(text.split(separator: "\n").first { $0.hasPrefix("a-much-longer") })
        #expect(queued.contains("  -  "))
        #expect(queued.contains("waiting for 4 nodes of gpu-cluster: quota"))
        #expect(queued.hasSuffix("…"))
        #expect(queued.count <= offsets[5] + JobRunText.reasonLimit)
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") })
    }

    @Test func colorsOnlyWhenAskedAndNeverShiftColumns() {
        let colored = JobRunText(style: TerminalStyle(colors: true), now: Self.now).list(runs)
        let plain = JobRunText(style: .plain, now: Self.now).list(runs)
        #expect(colored.contains("\u{1B}[32mCompleted\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[31mFailed\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[36mRunning\u{1B}[0m"))
        #expect(!colored.contains("\u{1B}[33mQueued"))  // waiting is not news: plain
        #expect(Self.stripEscapes(colored) == plain)

        let run = scoring()
        for text in [
            plain, JobRunText(style: .plain, now: Self.now).show(run),
            JobProgressText(style: .plain, now: Self.now).lines([run]).joined(separator: "\n"),
            JobProgressText(style: .plain, now: Self.now).changes(from: [], to: [run]).joined(separator: "\n"),
        ] {
            #expect(!text.contains("\u{1B}"), "escape code in plain text: \(text)")
        }
        #expect(JobProgressText(style: TerminalStyle(colors: true), now: Self.now).lines([run]).joined().contains("\u{1B}[36mRunning"))
    }

    @Test func emptyListSaysSo() {
        #expect(JobRunText(style: .plain).list([]) == "No jobs.")
    }

    @Test func showHasStepsOutputsProgressAndTheLastTwentyEvents() {
        var run = scoring(score: MiniBatchProgress(succeeded: 7, failed: 1, total: 10, items: 20), scoreReason: "1 mini-batch failed: see logs")
        run.events = (0..<25).map { i in
            JobEvent(step: i % 2 == 0 ? nil : "score", state: .running, reason: "event-\(i)", at: Self.t0.addingTimeInterval(Double(i)))
        }
        let text = JobRunText(style: .plain, now: Self.now).show(run)
        #expect(text.hasPrefix("nightly-scoring-3f2a1b  Running"))
        for fragment in [
            "logical name  nightly-scoring", "trigger       schedule nightly at", "directory     /state/jobs/nightly-scoring-3f2a1b",
            "score  parallel  Running", "compute   cpu-cluster, 2 nodes", "attempt   2", "reason    1 mini-batch failed: see logs",
            "progress  mini-batches 7/10 done, 1 failed, 20 items", "output    scored -> /state/jobs/n/score/outputs/scored",
            "logs      /state/jobs/n/score/logs", "data -> /state/jobs/n/prep/outputs/data", "Events (last 20 of 25)",
            "2025-03-01 12:00:24  job    Running  event-24",
        ] {
            #expect(text.contains(fragment), "missing \(fragment) in:\n\(text)")
        }
        // Attempt 0 of prep is not shown; the five oldest events are left out.
        #expect(text.components(separatedBy: "attempt").count == 2)
        for i in 0..<5 { #expect(!text.contains("event-\(i)\n") && !text.hasSuffix("event-\(i)")) }
        #expect(text.contains("event-5"))
    }

    @Test func progressLinesOnePerJobAndStep() {
        let lines = JobProgressText(style: .plain, now: Self.now).lines([scoring()])
        #expect(lines == [
            "nightly-scoring-3f2a1b  Running  1/3 done",
            "  prep     Completed",
            "  score    Running     mini-batches 3/5, 0 failed",
            "  publish  NotStarted",
        ])
    }

    @Test func changesPrintOnlyWhatChangedSinceThePreviousPoll() {
        let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_740_830_400 + 67) }  // 12:01:07
        let progress = JobProgressText(style: .plain, now: clock)
        let old = scoring(score: MiniBatchProgress(succeeded: 2, failed: 0, total: 5, items: 20))
        var new = scoring()
        #expect(progress.changes(from: [old], to: [old]) == [])
        #expect(progress.changes(from: [new], to: [new]) == [])
        #expect(progress.changes(from: [old], to: [new]) == ["12:01:07 nightly-scoring-3f2a1b/score Running mini-batches 3/5 done, 0 failed"])

        new.steps[2].state = .queued
        new.steps[2].reason = "waiting for\n2 nodes"
        let lines = progress.changes(from: [old], to: [new])
        #expect(lines == [
            "12:01:07 nightly-scoring-3f2a1b/score Running mini-batches 3/5 done, 0 failed",
            "12:01:07 nightly-scoring-3f2a1b/publish Queued (waiting for 2 nodes)",
        ])

        // A reason alone is a change; a job seen for the first time prints itself and every step.
        var reasonOnly = old
        reasonOnly.steps[0].reason = "reused output"
        #expect(progress.changes(from: [old], to: [reasonOnly]) == ["12:01:07 nightly-scoring-3f2a1b/prep Completed (reused output)"])
        #expect(progress.changes(from: [], to: [old]).count == 4)
        #expect(progress.changes(from: [old], to: []) == [])
    }

    @Test func jobJSONHasEveryKeyWithNullForWhatIsMissing() throws {
        let json = MachineOutput.jobRun(scoring())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let jobKeys: Set = [
            "formatVersion", "name", "logicalName", "state", "reason", "trigger", "submittedAt", "startedAt", "endedAt",
            "directory", "outputs", "steps",
        ]
        #expect(jobKeys.isSubset(of: Set(object.keys)), "keys: \(object.keys.sorted())")
        #expect(object["formatVersion"] as? Int == 1)
        #expect(object["state"] as? String == "Running")
        #expect(object["reason"] is NSNull)
        #expect(object["endedAt"] is NSNull)
        #expect(object["submittedAt"] as? String == "2025-03-01T12:00:00Z")
        #expect(object["startedAt"] as? String == "2025-03-01T12:00:02Z")
        #expect((object["outputs"] as? [String: Any])?.isEmpty == true)

        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(steps.count == 3)
        let stepKeys: Set = ["name", "type", "state", "reason", "compute", "nodes", "attempt", "outputs", "logs", "progress"]
        for step in steps { #expect(stepKeys.isSubset(of: Set(step.keys)), "keys: \(step.keys.sorted())") }
        #expect(steps[0]["reason"] is NSNull)
        #expect(steps[0]["progress"] is NSNull)
        #expect(steps[0]["outputs"] as? [String: String] == ["data": "/state/jobs/n/prep/outputs/data"])
        #expect(steps[1]["nodes"] as? Int == 2)
        #expect(steps[1]["attempt"] as? Int == 2)
        #expect(steps[1]["logs"] as? String == "/state/jobs/n/score/logs")
        let progress = try #require(steps[1]["progress"] as? [String: Int])
        #expect(progress == ["succeeded": 3, "failed": 0, "total": 5, "items": 30])
        #expect(steps[2]["compute"] is NSNull)
        #expect(steps[2]["logs"] is NSNull)

        // Stable: sorted keys, the same text every time.
        #expect(json == MachineOutput.jobRun(scoring()))
        #expect(json.range(of: "\"directory\"")!.lowerBound < json.range(of: "\"endedAt\"")!.lowerBound)
    }

    @Test func jobListJSONWrapsTheJobDocuments() throws {
        let json = MachineOutput.jobRuns(runs)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["formatVersion"] as? Int == 1)
        let jobs = try #require(object["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["name"] as? String } == runs.map(\.name))
        #expect(jobs[3]["reason"] as? String == "exit code 1")
        #expect(jobs[2]["startedAt"] is NSNull)
        let empty = try #require(try JSONSerialization.jsonObject(with: Data(MachineOutput.jobRuns([]).utf8)) as? [String: Any])
        #expect((empty["jobs"] as? [Any])?.isEmpty == true)
    }
}
