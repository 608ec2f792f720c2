import EmbeddedWorkspace
import Foundation
import Manifests

/// Makes schedules fire while a runner is up: each trigger time creates the schedule's job
/// (named after the schedule and the trigger time) and is recorded; trigger times that passed
/// while nothing ran are recorded as `missed` and never replayed in a burst. A schedule whose
/// definition changed starts counting again from now, so the change takes effect from its next
/// trigger.
struct ScheduleClockwork: Sendable {
    var workspace: LocalWorkspace
    /// How late a trigger may be found and still run (a runner's poll, a busy machine).
    var grace: TimeInterval = 60

    /// Looks at every schedule once; returns a line per trigger handled.
    func tick(now: Date = Date()) async -> [String] {
        guard let clocks = try? await workspace.scheduleClocks() else { return [] }
        var notes: [String] = []
        for clock in clocks {
            let schedule = clock.schedule
            guard let job = schedule.job else { continue }
            guard let calendar = try? TriggerCalendar(schedule.trigger) else { continue }
            guard clock.countedHash == schedule.hash, let anchor = clock.anchor, let checked = clock.checkedThrough else {
                let anchor = calendar.startTime ?? now
                try? await workspace.advanceSchedule(
                    schedule.name, hash: schedule.hash, anchor: anchor, checkedThrough: now, runs: [], jobs: [])
                continue
            }
            let fires = calendar.fires(after: checked, through: now, anchor: anchor, limit: 10_000)
            var runs: [ScheduleRun] = []
            var jobs: [(name: String, job: Job, snapshot: String?)] = []
            for fire in fires {
                if now.timeIntervalSince(fire) > grace {
                    runs.append(ScheduleRun(schedule: schedule.name, triggerAt: fire, status: .missed, job: nil))
                } else {
                    let name = Self.jobName(schedule: schedule.name, trigger: fire)
                    runs.append(ScheduleRun(schedule: schedule.name, triggerAt: fire, status: .created, job: name))
                    jobs.append((name, job, clock.snapshot))
                    notes.append("schedule \(schedule.name): created job \(name) for \(Self.stamp(fire))")
                }
            }
            let missed = runs.count - jobs.count
            if missed > 0 { notes.append("schedule \(schedule.name): \(missed) trigger(s) missed while no runner was up") }
            try? await workspace.advanceSchedule(
                schedule.name, hash: schedule.hash, anchor: anchor, checkedThrough: now, runs: runs, jobs: jobs)
        }
        return notes
    }

    /// `<schedule>-<yyyyMMdd-HHmmss>` in UTC: one name per trigger, so a trigger seen by two
    /// runners still creates one job.
    static func jobName(schedule: String, trigger: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "\(schedule)-\(formatter.string(from: trigger))"
    }

    static func stamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
