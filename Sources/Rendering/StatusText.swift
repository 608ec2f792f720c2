import Foundation
public import Reconciliation
public import Workspaces

/// The workspace's contents for people.
public struct StatusText: Sendable {
    public var style: TerminalStyle
    public init(style: TerminalStyle) { self.style = style }

    public func render(workspace: String, current: CurrentState, last: ReconcileRecord?) -> String {
        var lines = [style.bold(workspace)]
        lines.append("")
        lines.append(style.bold("Clusters (\(current.clusters.count))"))
        for c in current.clusters {
            lines.append("  \(c.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(c.spec.size) \(c.spec.tier.rawValue) \(c.spec.minInstances)-\(c.spec.maxInstances) nodes  \(c.provisioningState)  \(c.activeJobs) active job(s)")
        }
        lines.append(style.bold("Environments (\(current.environments.count) versions)"))
        for e in current.environments {
            lines.append("  \("\(e.name):\(e.version)".padding(toLength: 28, withPad: " ", startingAt: 0)) hash \(e.hash.short)  build \(e.buildID ?? "-")  \(e.buildState)")
        }
        lines.append(style.bold("Jobs (\(current.jobs.count))"))
        for j in current.jobs {
            lines.append("  \(j.name.padding(toLength: 40, withPad: " ", startingAt: 0)) \(j.state)")
        }
        if !current.schedules.isEmpty {
            lines.append(style.bold("Schedules (\(current.schedules.count))"))
            for s in current.schedules { lines.append("  \(s.name)  \(s.enabled ? "enabled" : "disabled")") }
        }
        if !current.locks.isEmpty {
            lines.append(style.bold("Locks (\(current.locks.count))"))
            for l in current.locks { lines.append("  \(l.name)  \(l.level.rawValue) on \(l.scope)") }
        }
        if !current.quotaPolicies.isEmpty {
            lines.append(style.bold("Quota policies (\(current.quotaPolicies.count))"))
            for q in current.quotaPolicies { lines.append("  \(q.name)  \(q.location), \(q.families.count) famil(ies)") }
        }
        lines.append("")
        if let last {
            lines.append("Last reconcile: #\(last.id) \(last.status.rawValue) at \(String(last.revision.prefix(12))) (\(last.summary))")
        } else {
            lines.append("No reconcile yet: run `mlgitops reconcile`.")
        }
        return lines.joined(separator: "\n")
    }
}

/// The reconcile history for people.
public struct HistoryText: Sendable {
    public var style: TerminalStyle
    public var verbose: Bool
    public init(style: TerminalStyle, verbose: Bool = false) {
        self.style = style
        self.verbose = verbose
    }

    public func render(_ records: [ReconcileRecord]) -> String {
        guard !records.isEmpty else { return "No reconciles recorded yet." }
        let formatter = ISO8601DateFormatter()
        var lines: [String] = []
        for r in records {
            let counts = r.counts.filter { $0.key != "noop" }.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            let status: String
            switch r.status {
            case .succeeded: status = style.green(r.status.rawValue)
            case .running: status = style.yellow(r.status.rawValue)
            case .failed, .interrupted: status = style.red(r.status.rawValue)
            }
            let duration = r.durationSeconds.map { Self.duration($0) } ?? "running"
            lines.append("#\(r.id)  \(formatter.string(from: r.startedAt))  \(String(r.revision.prefix(12)))  \(status)  \(duration)  \(r.trigger)  \(r.author)")
            lines.append("     \(r.summary)  [\(counts.isEmpty ? "no changes" : counts.joined(separator: ", "))]"
                + (r.holder.map { style.dim("  by \($0)") } ?? ""))
            if r.status == .interrupted {
                lines.append(style.dim("     the process stopped during this apply; the next reconcile re-planned and finished its work"))
            }
            if verbose {
                for result in r.results {
                    lines.append("       \(result.resource) \(result.verb.rawValue): \(result.status.rawValue)  \(style.dim(result.message))")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `0.4s`, `12s`, `3m05s`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        return whole < 60 ? "\(whole)s" : String(format: "%dm%02ds", whole / 60, whole % 60)
    }
}
