public import Foundation
public import Workspaces

/// Job runs for people: the table of `jobs list` and the detail of `jobs show`.
public struct JobRunText: Sendable {
    /// Whether states are colored.
    public var style: TerminalStyle
    /// The current time, for the duration of jobs that still run; injected so output is reproducible.
    public var now: @Sendable () -> Date

    /// The widest a reason may be in the table; the full text is in `jobs show`.
    public static let reasonLimit = 60
    /// How many events `show` prints, newest last; older ones stay in the workspace.
    public static let eventLimit = 20

    /// A renderer with `style`, timing running jobs against `now`.
    public init(style: TerminalStyle, now: @escaping @Sendable () -> Date = { Date() }) {
        self.style = style
        self.now = now
    }

    /// An aligned table NAME, STATE, STEPS, SUBMITTED, DURATION, REASON, one row per run in the
    /// given order; `No jobs.` when there are none.
    public func list(_ runs: [JobRun]) -> String {
        guard !runs.isEmpty else { return "No jobs." }
        let now = now()
        let header = ["NAME", "STATE", "STEPS", "SUBMITTED", "DURATION", "REASON"]
        // Every cell is non-empty ("-" stands for nothing) so each column visibly starts at its offset.
        let rows: [[String]] = runs.map { run in
            let elapsed = JobRunFormat.elapsed(
                startedAt: run.startedAt, endedAt: run.endedAt, terminal: run.state.isTerminal, now: now)
            return [
                run.name, run.state.rawValue, JobRunFormat.stepsDone(run), JobRunFormat.dateTime(run.submittedAt),
                elapsed.map(JobRunFormat.duration) ?? "-",
                run.reason.map { JobRunFormat.oneLine($0, limit: Self.reasonLimit) }.flatMap { $0.isEmpty ? nil : $0 }
                    ?? "-",
            ]
        }
        // Widths come from the plain text, so escape codes never shift a column.
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String], state: JobState?) -> String {
            var out = ""
            for (column, cell) in cells.enumerated() {
                let last = column == cells.count - 1
                if column == 1, let state {
                    out += last ? JobRunFormat.state(state, style) : JobRunFormat.paddedState(state, style, width: widths[column])
                } else {
                    out += last ? cell : JobRunFormat.pad(cell, widths[column])
                }
                if !last { out += "  " }
            }
            return out
        }
        var lines = [style.bold(line(header, state: nil))]
        for (run, row) in zip(runs, rows) { lines.append(line(row, state: run.state)) }
        return lines.joined(separator: "\n")
    }

    /// Everything about one run: its header, one block per step, and its last events.
    public func show(_ run: JobRun) -> String {
        let now = now()
        var lines = ["\(style.bold(run.name))  \(JobRunFormat.state(run.state, style))"]
        var fields: [(String, String)] = [("logical name", run.logicalName)]
        if let reason = run.reason { fields.append(("reason", reason)) }
        fields.append(("trigger", run.trigger))
        fields.append(("submitted", JobRunFormat.dateTime(run.submittedAt) + " UTC"))
        fields.append(("started", run.startedAt.map { JobRunFormat.dateTime($0) + " UTC" } ?? "-"))
        fields.append(("ended", run.endedAt.map { JobRunFormat.dateTime($0) + " UTC" } ?? "-"))
        if let elapsed = JobRunFormat.elapsed(
            startedAt: run.startedAt, endedAt: run.endedAt, terminal: run.state.isTerminal, now: now)
        {
            fields.append(("duration", JobRunFormat.duration(elapsed)))
        }
        fields.append(("directory", run.directory))
        for (name, path) in run.outputs.sorted(by: { $0.key < $1.key }) { fields.append(("output", "\(name) -> \(path)")) }
        lines.append(contentsOf: block(fields, indent: 2))

        lines.append("")
        lines.append(style.bold("Steps (\(run.steps.count))"))
        for step in run.steps {
            lines.append("  \(style.bold(step.name))  \(step.type)  \(JobRunFormat.state(step.state, style))")
            var stepFields: [(String, String)] = []
            let nodes = "\(step.nodes) node\(step.nodes == 1 ? "" : "s")"
            stepFields.append(("compute", step.compute.map { "\($0), \(nodes)" } ?? nodes))
            // The first run is attempt 0 or 1 depending on who counts; only restarts are news.
            if step.attempt > 1 { stepFields.append(("attempt", "\(step.attempt)")) }
            if let reason = step.reason { stepFields.append(("reason", reason)) }
            if let elapsed = JobRunFormat.elapsed(
                startedAt: step.startedAt, endedAt: step.endedAt, terminal: step.state.isTerminal, now: now)
            {
                stepFields.append(("duration", JobRunFormat.duration(elapsed)))
            }
            if let progress = step.progress { stepFields.append(("progress", JobRunFormat.progress(progress))) }
            for (name, path) in step.outputs.sorted(by: { $0.key < $1.key }) {
                stepFields.append(("output", "\(name) -> \(path)"))
            }
            if let logs = step.logs { stepFields.append(("logs", logs)) }
            lines.append(contentsOf: block(stepFields, indent: 4))
        }

        if !run.events.isEmpty {
            // Stable on equal times, so events recorded in the same second keep their recorded order.
            let ordered = run.events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
                .map(\.element)
            let shown = ordered.suffix(Self.eventLimit)
            lines.append("")
            lines.append(style.bold(
                shown.count < ordered.count ? "Events (last \(shown.count) of \(ordered.count))" : "Events (\(ordered.count))"))
            let subjects = shown.map { $0.step ?? "job" }
            let subjectWidth = subjects.map(\.count).max() ?? 0
            let stateWidth = shown.map(\.state.rawValue.count).max() ?? 0
            for (event, subject) in zip(shown, subjects) {
                var line = "  \(JobRunFormat.dateTime(event.at))  \(JobRunFormat.pad(subject, subjectWidth))  "
                if let reason = event.reason, !reason.isEmpty {
                    line += JobRunFormat.paddedState(event.state, style, width: stateWidth) + "  "
                        + JobRunFormat.oneLine(reason, limit: 120)
                } else {
                    line += JobRunFormat.state(event.state, style)
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `label  value` lines with the values aligned; a value's later lines are indented under its first,
    /// since a reason may carry a whole error message.
    private func block(_ fields: [(String, String)], indent: Int) -> [String] {
        let width = fields.map(\.0.count).max() ?? 0
        let margin = String(repeating: " ", count: indent)
        let continuation = String(repeating: " ", count: indent + width + 2)
        return fields.map { label, value in
            let valueLines = value.split(separator: "\n", omittingEmptySubsequences: false)
            let first = "\(margin)\(JobRunFormat.pad(label, width))  \(valueLines.first ?? "")"
            return ([first] + valueLines.dropFirst().map { continuation + $0 }).joined(separator: "\n")
        }
    }
}
