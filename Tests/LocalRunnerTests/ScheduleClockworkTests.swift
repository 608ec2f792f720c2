import EmbeddedWorkspace
import Foundation
@testable import LocalRunner
import Manifests
import Workspaces
import XCTest

/// Schedules fire on time while a runner is up; what passed while none ran is recorded as
/// missed, not replayed; a changed schedule counts from its next trigger. Real SQLite state,
/// a clock given per tick.
final class ScheduleClockworkTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("clockwork-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func schedule(_ expression: String, hash: Character) -> Schedule {
        let source = SourceLocation(file: "schedules/nightly.yml", line: 1, column: 1)
        let job = Job(
            name: "scoring",
            spec: .pipeline(Pipeline(defaultCompute: .local, continueOnStepFailure: false, inputs: [:], outputs: [:], steps: [])),
            hash: JobDefinitionHash(hex: String(repeating: "b", count: 64)), environmentDependencies: [],
            clusterDependencies: [], source: source)
        return Schedule(
            name: "every", trigger: .cron(expression: expression, timeZone: "UTC", startTime: nil, endTime: nil), job: job,
            hash: JobDefinitionHash(hex: String(repeating: hash, count: 64)), source: source)
    }

    private func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func testTriggersCreateJobsOnTimeAndMissedOnesAreRecordedNotReplayed() async throws {
        let workspace = try LocalWorkspace(stateDirectory: directory)
        _ = try await workspace.perform(.putSchedule(schedule("* * * * *", hash: "c")))
        let clockwork = ScheduleClockwork(workspace: workspace)

        // The first look starts the clock: nothing before it fires.
        let first = await clockwork.tick(now: at("2026-01-01T00:00:30Z"))
        XCTAssertEqual(first, [])
        let none = try await workspace.scheduleRuns("every")
        XCTAssertEqual(none.count, 0)

        // 00:01:00 is found 30 s late, within the grace: its job is created, named after the trigger.
        _ = await clockwork.tick(now: at("2026-01-01T00:01:30Z"))
        var runs = try await workspace.scheduleRuns("every")
        XCTAssertEqual(runs.map(\.status), [.created])
        XCTAssertEqual(runs.first?.triggerAt, at("2026-01-01T00:01:00Z"))
        XCTAssertEqual(runs.first?.job, "every-20260101-000100")

        // An hour without a runner: 58 triggers are missed, only the one due now runs.
        let notes = await clockwork.tick(now: at("2026-01-01T01:00:30Z"))
        runs = try await workspace.scheduleRuns("every")
        XCTAssertEqual(runs.filter { $0.status == .missed }.count, 58)
        XCTAssertEqual(runs.filter { $0.status == .created }.map(\.job), ["every-20260101-000100", "every-20260101-010000"])
        XCTAssertTrue(notes.contains { $0.contains("58 trigger(s) missed") }, "\(notes)")
        let jobs = try await workspace.jobRuns().map(\.name).sorted()
        XCTAssertEqual(jobs, ["every-20260101-000100", "every-20260101-010000"])
        let run = try await workspace.jobRun(named: "every-20260101-010000")
        XCTAssertEqual(run?.trigger, "schedule every")

        // Looking twice at the same minute creates nothing twice.
        _ = await clockwork.tick(now: at("2026-01-01T01:00:40Z"))
        let again = try await workspace.jobRuns()
        XCTAssertEqual(again.count, 2)
    }

    func testAChangedScheduleTakesEffectFromItsNextTrigger() async throws {
        let workspace = try LocalWorkspace(stateDirectory: directory)
        _ = try await workspace.perform(.putSchedule(schedule("0 * * * *", hash: "c")))
        let clockwork = ScheduleClockwork(workspace: workspace)
        _ = await clockwork.tick(now: at("2026-01-01T00:00:00Z"))
        _ = try await workspace.perform(.putSchedule(schedule("*/5 * * * *", hash: "d")))
        // The change is seen at 00:03: counting restarts there, nothing earlier is made up for.
        _ = await clockwork.tick(now: at("2026-01-01T00:03:00Z"))
        let none = try await workspace.scheduleRuns("every")
        XCTAssertEqual(none.count, 0)
        _ = await clockwork.tick(now: at("2026-01-01T00:05:20Z"))
        let runs = try await workspace.scheduleRuns("every")
        XCTAssertEqual(runs.map(\.triggerAt), [at("2026-01-01T00:05:00Z")])
        XCTAssertEqual(runs.map(\.status), [.created])
    }
}
