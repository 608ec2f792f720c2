import Foundation
public import Manifests
public import Planning
public import Reconciliation

/// The stable JSON for machines (`--output json`), `formatVersion: 1` (docs/output-format.md).
/// Fields may be added in a version; none is renamed or removed without a new version.
public enum MachineOutput {
    /// The format version every document carries.
    public static let formatVersion = 1

    struct DiagnosticDocument: Encodable {
        var severity: String
        var file: String
        var line: Int
        var column: Int
        var field: String?
        var message: String
        var fix: String?
        init(_ d: Diagnostic) {
            severity = d.severity.rawValue
            file = d.location.file
            line = d.location.line
            column = d.location.column
            field = d.field
            message = d.message
            fix = d.fix
        }
    }

    struct ActionDocument: Encodable {
        var resource: String
        var kind: String
        var name: String
        var action: String
        var intended: String?
        var blockedBy: BlockReason?
        var changes: [FieldChange]
        var hash: String?
        var detail: String?
        var dependsOn: [String]
        var file: String?
        init(_ a: PlanAction) {
            resource = a.resource.description
            kind = a.resource.kind.rawValue
            name = a.resource.name
            action = a.verb.rawValue
            intended = a.intended?.rawValue
            blockedBy = a.blockedBy
            changes = a.changes
            hash = a.hash
            detail = a.detail
            dependsOn = a.dependsOn.map(\.description)
            file = a.source?.file
        }
    }

    struct PlanDocument: Encodable {
        var formatVersion = MachineOutput.formatVersion
        var revision: String?
        var summary: [String: Int]
        var actions: [ActionDocument]
        var unmanaged: [String]
        var diagnostics: [DiagnosticDocument]
        var results: [ActionResult]?
        var reconcileID: Int64?
        var status: String?
    }

    struct ValidateDocument: Encodable {
        var formatVersion = MachineOutput.formatVersion
        var revision: String?
        var diagnostics: [DiagnosticDocument]
    }

    struct HistoryDocument: Encodable {
        var formatVersion = MachineOutput.formatVersion
        var reconciles: [ReconcileRecord]
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A plan, with the apply's results when it was applied.
    public static func plan(_ plan: Plan, report: ApplyReport? = nil) -> String {
        let summary = Dictionary(uniqueKeysWithValues: plan.summary.map { ($0.key.rawValue, $0.value) })
        return encode(PlanDocument(
            revision: plan.revision, summary: summary, actions: plan.actions.map(ActionDocument.init),
            unmanaged: plan.unmanaged.map(\.description), diagnostics: plan.diagnostics.map(DiagnosticDocument.init),
            results: report?.results, reconcileID: report?.reconcileID, status: report?.status.rawValue))
    }

    /// The result of `validate`.
    public static func validation(_ diagnostics: [Diagnostic], revision: String?) -> String {
        encode(ValidateDocument(revision: revision, diagnostics: diagnostics.map(DiagnosticDocument.init)))
    }

    /// The reconcile history.
    public static func history(_ records: [ReconcileRecord]) -> String {
        encode(HistoryDocument(reconciles: records))
    }

    /// Any other document: wrapped with the format version.
    public static func document(_ value: some Encodable) -> String { encode(value) }
}
