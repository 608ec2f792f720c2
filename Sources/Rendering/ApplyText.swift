public import Reconciliation

/// What an apply did, for people.
public struct ApplyText: Sendable {
    public var style: TerminalStyle
    public init(style: TerminalStyle) { self.style = style }

    public func render(_ report: ApplyReport) -> String {
        var lines: [String] = []
        if !report.resumedAfter.isEmpty {
            lines.append(style.yellow("Closed interrupted reconcile(s) #\(report.resumedAfter.map(String.init).joined(separator: ", #")); this run finishes their work."))
        }
        let width = min(48, (report.results.map { $0.resource.count }.max() ?? 0) + 2)
        for result in report.results {
            let mark: String
            switch result.status {
            case .done: mark = style.green("done")
            case .alreadyDone: mark = style.green("already done")
            case .failed: mark = style.red("FAILED")
            case .skipped: mark = style.yellow("skipped")
            case .blocked: mark = style.red("blocked")
            case .started: mark = style.yellow("in progress")
            }
            let padded = result.resource + String(repeating: " ", count: max(1, width - result.resource.count))
            lines.append("  \(padded)\(result.verb.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(mark)  \(style.dim(result.message))")
        }
        let counts = Dictionary(grouping: report.results, by: \.status).mapValues(\.count)
        let done = (counts[.done] ?? 0) + (counts[.alreadyDone] ?? 0)
        var summary = "Applied: \(done) done"
        if let n = counts[.blocked] { summary += ", \(n) blocked" }
        if let n = counts[.skipped] { summary += ", \(n) skipped" }
        if let n = counts[.failed] { summary += ", \(n) failed" }
        lines.append(style.bold(summary + ". Reconcile #\(report.reconcileID) recorded (mlgitops history)."))
        return lines.joined(separator: "\n")
    }
}
