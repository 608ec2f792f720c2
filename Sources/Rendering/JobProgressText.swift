public import Foundation
public import Workspaces

/// The live progress of the jobs `reconcile --wait` waits for: a block to redraw on a terminal, or
/// event lines of what changed when the output is piped.
public struct JobProgressText: Sendable {
    /// Whether states are colored; with `colors` false no escape code is written.
    public var style: TerminalStyle
    /// The time stamped on change lines; injected so output is reproducible.
    public var now: @Sendable () -> Date

    /// The widest a reason may be: a redrawn block only works while every line fits the terminal.
    public static let reasonLimit = 80

    /// A renderer with `style`, stamping changes with `now`.
    public init(style: TerminalStyle, now: @escaping @Sendable () -> Date = { Date() }) {
        self.style = style
        self.now = now
    }

    /// One line per job and, indented under it, one per step: state, mini-batch progress and reason.
    public func lines(_ runs: [JobRun]) -> [String] {
        var lines: [String] = []
        for run in runs {
            var job = "\(style.bold(run.name))  \(JobRunFormat.state(run.state, style))"
            if !run.steps.isEmpty { job += "  \(JobRunFormat.stepsDone(run))" }
            if let reason = reason(run.reason) { job += "  \(style.dim(reason))" }
            lines.append(job)
            // Aligned within a job only: jobs are separate blocks and their step names unrelated.
            let nameWidth = run.steps.map(\.name.count).max() ?? 0
            let stateWidth = run.steps.map(\.state.rawValue.count).max() ?? 0
            for step in run.steps {
                var cells = [JobRunFormat.pad(step.name, nameWidth), JobRunFormat.state(step.state, style)]
                if let progress = step.progress {
                    cells.append("mini-batches \(progress.succeeded)/\(progress.total), \(progress.failed) failed")
                }
                if let reason = reason(step.reason) { cells.append(style.dim(reason)) }
                // Pad the state only when something follows it, so no line ends in spaces.
                if cells.count > 2 { cells[1] = JobRunFormat.paddedState(step.state, style, width: stateWidth) }
                lines.append("  " + cells.joined(separator: "  "))
            }
        }
        return lines
    }

    /// What changed between two polls, one line each, stamped with the UTC time `HH:mm:ss`:
    /// a job's state or reason, a step's state, reason or mini-batch counts. A job or step seen for the
    /// first time counts as changed; one that disappeared prints nothing. Empty when nothing changed.
    public func changes(from old: [JobRun], to new: [JobRun]) -> [String] {
        let stamp = JobRunFormat.time(now())
        // By name rather than position: the workspace may list jobs in another order on the next poll.
        let before = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        var lines: [String] = []
        for run in new {
            let previous = before[run.name]
            if previous?.state != run.state || previous?.reason != run.reason {
                lines.append(line(stamp, run.name, run.state, progress: nil, reason: run.reason))
            }
            let previousSteps = Dictionary(
                (previous?.steps ?? []).map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
            for step in run.steps {
                let was = previousSteps[step.name]
                guard was?.state != step.state || was?.reason != step.reason || was?.progress != step.progress
                else { continue }
                lines.append(line(stamp, "\(run.name)/\(step.name)", step.state, progress: step.progress, reason: step.reason))
            }
        }
        return lines
    }

    /// `12:01:07 job/step Running mini-batches 3/5 done, 0 failed (reason)`: single spaces and one line,
    /// so that logs can be grepped and split on whitespace.
    private func line(_ stamp: String, _ subject: String, _ state: JobState, progress: MiniBatchProgress?, reason: String?)
        -> String
    {
        var line = "\(stamp) \(subject) \(JobRunFormat.state(state, style))"
        if let progress { line += " mini-batches \(progress.succeeded)/\(progress.total) done, \(progress.failed) failed" }
        // Piped output has no width to respect, so the reason is flattened but kept whole.
        if let reason, case let flat = JobRunFormat.oneLine(reason, limit: .max), !flat.isEmpty { line += " (\(flat))" }
        return line
    }

    private func reason(_ reason: String?) -> String? {
        guard let reason else { return nil }
        let flat = JobRunFormat.oneLine(reason, limit: Self.reasonLimit)
        return flat.isEmpty ? nil : flat
    }
}
