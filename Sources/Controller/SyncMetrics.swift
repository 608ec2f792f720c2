import Foundation

/// The controller's counters, rendered in the Prometheus text format by ``prometheusText()``
/// (served at `GET /metrics` by the Server). Updated by the sync loop, read by the server: one
/// lock guards it all, and nothing inside takes long.
public final class SyncMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var reconciles: [Labels: Double] = [:]
    private var durationBuckets: [Double] = Array(repeating: 0, count: SyncMetrics.bucketBounds.count)
    private var durationSum = 0.0
    private var durationCount = 0.0
    private var actions: [Labels: Double] = [:]
    private var blocked = 0.0
    private var drift = 0.0
    private var driftChecks = 0.0
    private var fetches = 0.0
    private var fetchErrors = 0.0
    private var ticks: [Labels: Double] = [:]
    private var webhooks: [Labels: Double] = [:]
    private var lastApplied: (revision: String, at: Double)?

    /// Upper bounds of the reconcile duration histogram, in seconds.
    static let bucketBounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    /// Every counter at zero.
    public init() {}

    /// Label sets, sorted by name when rendered.
    private struct Labels: Hashable {
        var pairs: [String: String]
        init(_ pairs: [String: String]) { self.pairs = pairs }
        var text: String {
            guard !pairs.isEmpty else { return "" }
            let inner = pairs.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(SyncMetrics.escaped($0.value))\"" }
            return "{" + inner.joined(separator: ",") + "}"
        }
    }

    /// One apply ended: its trigger, status, how long it took, and each action's result.
    func recordReconcile(trigger: String, status: String, seconds: Double, results: [(kind: String, verb: String, result: String)]) {
        lock.withLock {
            reconciles[Labels(["trigger": trigger, "status": status]), default: 0] += 1
            durationSum += seconds
            durationCount += 1
            for (index, bound) in Self.bucketBounds.enumerated() where seconds <= bound { durationBuckets[index] += 1 }
            for result in results {
                actions[Labels(["kind": result.kind, "verb": result.verb, "result": result.result]), default: 0] += 1
            }
        }
    }

    /// The blocked actions of the latest plan.
    func setBlocked(_ count: Int) { lock.withLock { blocked = Double(count) } }

    /// The drifted resources found by the latest plan that looked for drift.
    func setDrift(_ count: Int, checked: Bool) {
        lock.withLock {
            drift = Double(count)
            if checked { driftChecks += 1 }
        }
    }

    /// One fetch (or read of a local branch) ended.
    func recordFetch(failed: Bool) {
        lock.withLock {
            fetches += 1
            if failed { fetchErrors += 1 }
        }
    }

    /// One tick ended with `outcome` (`unchanged`, `applied`, `planned`, `drift-checked`, `fetch-failed`, ...).
    func recordTick(_ outcome: String) { lock.withLock { ticks[Labels(["outcome": outcome]), default: 0] += 1 } }

    /// A webhook delivery was answered: its provider and what came of it.
    public func recordWebhook(provider: String, result: String) {
        lock.withLock { webhooks[Labels(["provider": provider, "result": result]), default: 0] += 1 }
    }

    /// A commit was applied in full.
    func setLastApplied(_ revision: String, at date: Date = Date()) {
        lock.withLock { lastApplied = (revision, date.timeIntervalSince1970) }
    }

    /// Everything in the Prometheus text exposition format (version 0.0.4).
    public func prometheusText() -> String {
        lock.withLock {
            var out = ""
            func family(_ name: String, _ type: String, _ help: String, _ samples: [(Labels, Double)]) {
                out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
                for (labels, value) in samples.sorted(by: { $0.0.text < $1.0.text }) {
                    out += "\(name)\(labels.text) \(Self.number(value))\n"
                }
            }
            family("mlgitops_reconciles_total", "counter", "Applies run by the controller, by trigger and status.",
                   reconciles.map { ($0.key, $0.value) })
            out += "# HELP mlgitops_reconcile_duration_seconds How long an apply took (plan and apply).\n"
            out += "# TYPE mlgitops_reconcile_duration_seconds histogram\n"
            for (index, bound) in Self.bucketBounds.enumerated() {
                out += "mlgitops_reconcile_duration_seconds_bucket{le=\"\(Self.number(bound))\"} \(Self.number(durationBuckets[index]))\n"
            }
            out += "mlgitops_reconcile_duration_seconds_bucket{le=\"+Inf\"} \(Self.number(durationCount))\n"
            out += "mlgitops_reconcile_duration_seconds_sum \(Self.number(durationSum))\n"
            out += "mlgitops_reconcile_duration_seconds_count \(Self.number(durationCount))\n"
            family("mlgitops_actions_total", "counter", "Actions applied, by resource kind, verb and result.",
                   actions.map { ($0.key, $0.value) })
            family("mlgitops_blocked_actions", "gauge", "Blocked actions in the latest plan.", [(Labels([:]), blocked)])
            family("mlgitops_drift_resources", "gauge", "Resources drifted from git at the latest drift check.",
                   [(Labels([:]), drift)])
            family("mlgitops_drift_checks_total", "counter", "Full drift checks run.", [(Labels([:]), driftChecks)])
            family("mlgitops_git_fetches_total", "counter", "Fetches of the followed repository.", [(Labels([:]), fetches)])
            family("mlgitops_git_fetch_errors_total", "counter", "Fetches that failed or passed their deadline.",
                   [(Labels([:]), fetchErrors)])
            family("mlgitops_sync_ticks_total", "counter", "Ticks of the sync loop, by outcome.", ticks.map { ($0.key, $0.value) })
            family("mlgitops_webhooks_total", "counter", "Webhook deliveries, by provider and result.",
                   webhooks.map { ($0.key, $0.value) })
            family("mlgitops_last_applied_revision_info", "gauge", "The commit applied last (value 1; the sha is a label).",
                   lastApplied.map { [(Labels(["revision": $0.revision]), 1)] } ?? [])
            family("mlgitops_last_applied_timestamp_seconds", "gauge", "When the last commit was applied (Unix time).",
                   lastApplied.map { [(Labels([:]), $0.at)] } ?? [])
            return out
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
