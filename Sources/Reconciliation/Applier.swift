import Foundation
public import Planning
public import Workspaces
public import GitSource

/// What an apply did.
public struct ApplyReport: Sendable, Codable {
    public var reconcileID: Int64
    public var results: [ActionResult]
    /// Earlier reconciles found interrupted and closed before this one.
    public var resumedAfter: [Int64]
    public var status: ReconcileRecord.Status
}

/// Performs a plan's actions in order through a workspace, journalling each in the history.
///
/// Blocked actions are never started. An action whose dependency failed or was blocked is
/// skipped. A crash at any point is safe: the workspace's operations are idempotent by key,
/// and the next run closes the interrupted record, re-plans from what exists and finishes.
public struct Applier: Sendable {
    public let workspace: any Workspace
    public let history: HistoryStore
    /// The commit's files, for operations that carry code or data.
    public let commitReader: (any CommitReader)?
    /// The test hook that pauses at each journal point (off unless `MLGITOPS_TEST_PAUSE_MS` is set).
    public var pause: ApplyPause

    public init(
        workspace: any Workspace, history: HistoryStore, commitReader: (any CommitReader)? = nil,
        pause: ApplyPause = .fromEnvironment
    ) {
        self.workspace = workspace
        self.history = history
        self.commitReader = commitReader
        self.pause = pause
    }

    /// Applies `plan`, read from `commit` of the repository folder `path`.
    public func apply(_ plan: Plan, commit: CommitInfo, path: String, trigger: String) async throws(ReconcileError) -> ApplyReport {
        if plan.hasErrors {
            throw .invalidDesiredState(errors: plan.diagnostics.filter { $0.severity == .error }.count)
        }
        let resumed = try history.closeInterrupted()
        let id = try history.begin(
            plan: plan, revision: commit.sha, author: "\(commit.authorName) <\(commit.authorEmail)>",
            summary: commit.summary, trigger: trigger, path: path)
        var results: [ActionResult] = []
        var failed: Set<String> = []
        for (seq, action) in plan.actions.enumerated() where action.verb != .noop {
            let resource = action.resource.description
            if action.verb == .blocked {
                let result = ActionResult(
                    resource: resource, verb: action.intended ?? .blocked, status: .blocked,
                    message: "\(action.blockedBy?.rule ?? "blocked"): \(action.blockedBy?.message ?? "")")
                try history.finished(id, seq: seq, result: result)
                results.append(result)
                failed.insert(resource)
                continue
            }
            guard let operation = action.operation else { continue }
            if let dependency = action.dependsOn.first(where: { failed.contains($0.description) }) {
                let result = ActionResult(
                    resource: resource, verb: action.verb, status: .skipped, message: "skipped: \(dependency) did not succeed")
                try history.finished(id, seq: seq, result: result)
                results.append(result)
                failed.insert(resource)
                continue
            }
            try history.started(id, seq: seq, action: action, key: operation.idempotencyKey)
            await pause.at("started", seq)
            let result: ActionResult
            do {
                let outcome: OperationOutcome
                if let commitReader {
                    outcome = try await workspace.perform(operation, reading: commitReader)
                } else {
                    outcome = try await workspace.perform(operation)
                }
                result = ActionResult(
                    resource: resource, verb: action.verb, status: outcome.status == .done ? .done : .alreadyDone,
                    message: outcome.message)
                await pause.at("performed", seq)
            } catch {
                result = ActionResult(resource: resource, verb: action.verb, status: .failed, message: error.description)
                failed.insert(resource)
            }
            try history.finished(id, seq: seq, result: result)
            results.append(result)
        }
        let status: ReconcileRecord.Status = results.contains { $0.status == .failed } ? .failed : .succeeded
        try history.finish(id, status: status)
        return ApplyReport(reconcileID: id, results: results, resumedAfter: resumed, status: status)
    }
}
