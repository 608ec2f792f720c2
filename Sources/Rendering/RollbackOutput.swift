import Foundation
public import Planning
public import Reconciliation

extension MachineOutput {
    struct RollbackDocument: Encodable {
        var formatVersion = MachineOutput.formatVersion
        var from: String
        var applied: Bool
        var plan: PlanDocument
        var limits: [RollbackLimit]
    }

    /// `rollback --output json`: the plan (with results when applied) and what it cannot undo.
    public static func rollback(_ plan: Plan, limits: [RollbackLimit], from: String, report: ApplyReport?) -> String {
        let summary = Dictionary(uniqueKeysWithValues: plan.summary.map { ($0.key.rawValue, $0.value) })
        return encode(RollbackDocument(
            from: from, applied: report != nil,
            plan: PlanDocument(
                revision: plan.revision, summary: summary, actions: plan.actions.map(ActionDocument.init),
                unmanaged: plan.unmanaged.map(\.description), diagnostics: plan.diagnostics.map(DiagnosticDocument.init),
                results: report?.results, reconcileID: report?.reconcileID, status: report?.status.rawValue),
            limits: limits))
    }
}

/// What a rollback leaves as it is, for people.
public struct RollbackLimitsText: Sendable {
    public var style: TerminalStyle
    public init(style: TerminalStyle) { self.style = style }

    public func render(_ limits: [RollbackLimit]) -> String {
        guard !limits.isEmpty else { return "Nothing stands in the way: the rollback restores every declared resource." }
        var lines = [style.bold("What this rollback does not undo (\(limits.count)):")]
        let width = min(48, (limits.map { $0.resource.count }.max() ?? 0) + 2)
        for limit in limits {
            let padded = limit.resource + String(repeating: " ", count: max(1, width - limit.resource.count))
            lines.append("  \(style.yellow(padded))\(style.dim("[\(limit.rule)]")) \(limit.message)")
        }
        return lines.joined(separator: "\n")
    }
}
