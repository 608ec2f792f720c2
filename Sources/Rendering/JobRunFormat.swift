import Foundation
import Workspaces

/// The pieces `JobRunText` and `JobProgressText` share, so a job reads the same in the table, in
/// `jobs show` and in the live progress of `reconcile --wait`.
enum JobRunFormat {
    // Gregorian in UTC, not the user's calendar and zone: the same run prints the same text on
    // every machine, and tests can compare exact strings.
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// `yyyy-MM-dd HH:mm:ss` in UTC.
    static func dateTime(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
            c.minute ?? 0, c.second ?? 0)
    }

    /// `HH:mm:ss` in UTC.
    static func time(_ date: Date) -> String {
        let c = utc.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `45s`, `1m04s`, `2h03m`: two units at most, since nobody needs the seconds of a two-hour job.
    static func duration(_ interval: TimeInterval) -> String {
        // A runner's clock may be slightly behind ours; a negative duration would only confuse.
        let seconds = max(0, Int(interval.rounded(.down)))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return String(format: "%dm%02ds", seconds / 60, seconds % 60) }
        return String(format: "%dh%02dm", seconds / 3600, (seconds % 3600) / 60)
    }

    /// How long something ran: to its end, or to `now` while it still runs; nil when it never started
    /// (or ended without saying when, where any number would be made up).
    static func elapsed(startedAt: Date?, endedAt: Date?, terminal: Bool, now: Date) -> TimeInterval? {
        guard let startedAt else { return nil }
        if let endedAt { return endedAt.timeIntervalSince(startedAt) }
        return terminal ? nil : now.timeIntervalSince(startedAt)
    }

    /// The state word, colored by what it means for the person waiting.
    static func state(_ state: JobState, _ style: TerminalStyle) -> String {
        switch state {
        case .completed: style.green(state.rawValue)
        case .failed: style.red(state.rawValue)
        case .canceled, .cancelRequested: style.yellow(state.rawValue)
        case .running, .preparing: style.cyan(state.rawValue)
        case .notStarted, .queued: state.rawValue
        }
    }

    /// The state word padded to `width` visible characters; the padding stays outside the escape codes
    /// so that colored and plain tables line up the same.
    static func paddedState(_ state: JobState, _ style: TerminalStyle, width: Int) -> String {
        self.state(state, style) + String(repeating: " ", count: max(0, width - state.rawValue.count))
    }

    /// `text` padded with spaces to `width` characters.
    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// On one line and at most `limit` characters: reasons can be a whole stderr tail, and a wrapped
    /// line breaks both a table and a redrawn progress block.
    static func oneLine(_ text: String, limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard flat.count > limit, limit > 1 else { return flat }
        return String(flat.prefix(limit - 1)) + "…"
    }

    /// `2/3 done`, counting completed steps only: a failed step is not done.
    static func stepsDone(_ run: JobRun) -> String {
        guard !run.steps.isEmpty else { return "-" }
        return "\(run.steps.filter { $0.state == .completed }.count)/\(run.steps.count) done"
    }

    /// `mini-batches 7/10 done, 1 failed, 20 items`, as `jobs show` prints it.
    static func progress(_ p: MiniBatchProgress) -> String {
        "mini-batches \(p.succeeded)/\(p.total) done, \(p.failed) failed, \(p.items) items"
    }
}
