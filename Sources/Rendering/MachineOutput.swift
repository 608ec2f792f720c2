import Foundation
public import Manifests
public import Planning
public import Reconciliation
public import Workspaces

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
        var rule: String?
        init(_ d: Diagnostic) {
            severity = d.severity.rawValue
            file = d.location.file
            line = d.location.line
            column = d.location.column
            field = d.field
            message = d.message
            fix = d.fix
            rule = d.rule
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
        var serverless: [ServerlessPlacement]?
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
            serverless = a.serverless
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

    // Hand-written encoders for the job documents: synthesized ones leave out nil optionals, and a
    // machine reading `"reason": null` should not have to tell a missing key from a missing value.
    struct ProgressDocument: Encodable {
        var succeeded: Int
        var failed: Int
        var total: Int
        var items: Int
        init(_ p: MiniBatchProgress) {
            succeeded = p.succeeded
            failed = p.failed
            total = p.total
            items = p.items
        }
    }

    struct StepRunDocument: Encodable {
        var step: StepRun
        enum CodingKeys: String, CodingKey {
            case name, type, state, reason, compute, nodes, attempt, startedAt, endedAt, outputs, logs, progress
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(step.name, forKey: .name)
            try c.encode(step.type, forKey: .type)
            try c.encode(step.state.rawValue, forKey: .state)
            try c.encodeOrNull(step.reason, forKey: .reason)
            try c.encodeOrNull(step.compute, forKey: .compute)
            try c.encode(step.nodes, forKey: .nodes)
            try c.encode(step.attempt, forKey: .attempt)
            try c.encodeOrNull(step.startedAt, forKey: .startedAt)
            try c.encodeOrNull(step.endedAt, forKey: .endedAt)
            try c.encode(step.outputs, forKey: .outputs)
            try c.encodeOrNull(step.logs, forKey: .logs)
            try c.encodeOrNull(step.progress.map(ProgressDocument.init), forKey: .progress)
        }
    }

    struct JobEventDocument: Encodable {
        var event: JobEvent
        enum CodingKeys: String, CodingKey { case step, state, reason, at }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeOrNull(event.step, forKey: .step)
            try c.encode(event.state.rawValue, forKey: .state)
            try c.encodeOrNull(event.reason, forKey: .reason)
            try c.encode(event.at, forKey: .at)
        }
    }

    struct JobRunDocument: Encodable {
        var run: JobRun
        enum CodingKeys: String, CodingKey {
            case formatVersion, name, logicalName, state, reason, trigger, submittedAt, startedAt, endedAt
            case directory, outputs, steps, events
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(MachineOutput.formatVersion, forKey: .formatVersion)
            try c.encode(run.name, forKey: .name)
            try c.encode(run.logicalName, forKey: .logicalName)
            try c.encode(run.state.rawValue, forKey: .state)
            try c.encodeOrNull(run.reason, forKey: .reason)
            try c.encode(run.trigger, forKey: .trigger)
            try c.encode(run.submittedAt, forKey: .submittedAt)
            try c.encodeOrNull(run.startedAt, forKey: .startedAt)
            try c.encodeOrNull(run.endedAt, forKey: .endedAt)
            try c.encode(run.directory, forKey: .directory)
            try c.encode(run.outputs, forKey: .outputs)
            try c.encode(run.steps.map(StepRunDocument.init), forKey: .steps)
            try c.encode(run.events.map(JobEventDocument.init), forKey: .events)
        }
    }

    struct JobRunsDocument: Encodable {
        var formatVersion = MachineOutput.formatVersion
        var jobs: [JobRunDocument]
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

    /// One job run (`jobs show`): its state, times, outputs, steps and events; nil values are `null`.
    public static func jobRun(_ run: JobRun) -> String {
        encode(JobRunDocument(run: run))
    }

    /// Job runs (`jobs list`) in the given order, each the document of `jobRun(_:)`.
    public static func jobRuns(_ runs: [JobRun]) -> String {
        encode(JobRunsDocument(jobs: runs.map(JobRunDocument.init)))
    }

    /// Any other document: wrapped with the format version.
    public static func document(_ value: some Encodable) -> String { encode(value) }
}
