public import Foundation
public import Planning
public import Reconciliation

/// What one tick of the sync loop did: the output of `sync` (one line or JSON object per tick).
public struct TickReport: Sendable, Encodable {
    /// How the tick ended.
    public enum Outcome: String, Sendable, Codable {
        /// The branch did not move and no drift check was due: nothing was planned.
        case unchanged
        /// The fetch failed or passed its deadline; retried next tick.
        case fetchFailed = "fetch-failed"
        /// The commit has errors in its manifests: nothing was applied.
        case invalid
        /// A new commit was planned and applied.
        case applied
        /// A drift check ran (the branch did not move); repairs applied only with --self-heal.
        case driftChecked = "drift-checked"
        /// `--dry-run`: planned and reported, nothing applied.
        case planned
        /// The plan or the apply failed (the workspace or the history could not be used).
        case failed
    }

    /// The version of this document's shape.
    public var formatVersion = 1
    /// `start`, `interval`, `webhook/github`, ...
    public var trigger: String
    public var outcome: Outcome
    /// The branch head seen (nil when the fetch failed).
    public var revision: String?
    /// The head's author, `Name <email>`.
    public var author: String?
    /// The commit applied before this tick.
    public var previousRevision: String?
    /// Paths changed since the previous applied commit (nil when not computed).
    public var changedPaths: Int?
    /// YAML files parsed by this tick: after a new commit, only those whose content changed.
    public var parsedFiles: Int?
    /// Counts by verb of the actions applied (or, for a dry run, that would be).
    public var actions: [String: Int]
    /// The history entry of the apply, if one was made.
    public var reconcileID: Int64?
    /// `succeeded` or `failed`, when something was applied.
    public var status: String?
    /// Drift found by this tick's plan.
    public var drift: [DriftItem]
    /// Drifted resources repaired now (with --self-heal).
    public var repaired: [String]
    /// Why the tick failed or what was wrong, for people.
    public var message: String?
    /// When the tick started.
    public var startedAt: Date
    /// How long it took.
    public var seconds: Double

    init(trigger: SyncTrigger, outcome: Outcome, startedAt: Date) {
        self.trigger = trigger.label
        self.outcome = outcome
        self.actions = [:]
        self.drift = []
        self.repaired = []
        self.startedAt = startedAt
        self.seconds = 0
    }

    /// One line for people.
    public var summary: String {
        let short = revision.map { String($0.prefix(12)) } ?? "?"
        let counts = actions.filter { $0.key != PlanVerb.noop.rawValue }.sorted { $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        var line: String
        switch outcome {
        case .unchanged: line = "\(short): no new commit, no drift check due; nothing planned"
        case .fetchFailed: line = "fetch failed: \(message ?? "")"
        case .invalid: line = "\(short): \(message ?? "the manifests have errors"); nothing applied"
        case .applied: line = "\(short): applied (\(counts.isEmpty ? "no changes" : counts)), \(status ?? "")"
        case .driftChecked: line = "\(short): drift check" + (counts.isEmpty ? "" : ", repaired (\(counts))")
        case .planned: line = "\(short): dry run, would apply \(counts.isEmpty ? "nothing" : counts)"
        case .failed: line = "\(short): failed: \(message ?? "")"
        }
        if !drift.isEmpty {
            line += "; drift: " + drift.map { item in
                let fate =
                    repaired.contains(item.resource.description) ? " repaired"
                    : item.repairable ? " (--self-heal repairs it)" : " (reported only)"
                return "\(item.resource) (\(item.detail))" + fate
            }.joined(separator: "; ")
        } else if outcome == .driftChecked {
            line += ": no drift"
        }
        return "[\(trigger)] " + line
    }
}
