/// A workspace: where the desired state is made real. The embedded local workspace and the
/// Azure ML provider both answer this protocol; the planner and the applier only see it.
public protocol Workspace: Sendable {
    /// For people: e.g. `local workspace at .mlgitops`.
    var displayName: String { get }

    /// What exists now.
    func observe() async throws(WorkspaceError) -> CurrentState

    /// Performs one operation. Must be idempotent by ``WorkspaceOperation/idempotencyKey``:
    /// an operation whose effect already exists returns `.alreadyDone` and changes nothing.
    func perform(_ operation: WorkspaceOperation) async throws(WorkspaceError) -> OperationOutcome

    /// Performs one operation with read access to the commit it comes from, for operations
    /// that carry committed code or data (a job submission). The default ignores the commit.
    func perform(_ operation: WorkspaceOperation, reading commit: any CommitReader) async throws(WorkspaceError) -> OperationOutcome

    /// A value that changes whenever anything ``observe()`` reports changes, or nil when the
    /// workspace cannot tell (then every plan observes it whole). An incremental plan reuses
    /// an earlier plan only while this is unchanged.
    func observedRevision() async throws(WorkspaceError) -> String?

    /// What planning the jobs of `logicalNames` reads: those jobs, the clusters of `clusterNames`
    /// (those they run on), locks and quota; environments and schedules may be left out. The
    /// default observes everything and filters.
    func observe(jobsNamed logicalNames: Set<String>, clustersNamed clusterNames: Set<String>) async throws(WorkspaceError) -> CurrentState
}

extension Workspace {
    public func observedRevision() async throws(WorkspaceError) -> String? { nil }

    public func observe(jobsNamed logicalNames: Set<String>, clustersNamed clusterNames: Set<String>) async throws(WorkspaceError) -> CurrentState {
        var state = try await observe()
        state.jobs = state.jobs.filter { logicalNames.contains($0.logicalName) }
        state.clusters = state.clusters.filter { clusterNames.contains($0.name) }
        return state
    }

    public func perform(_ operation: WorkspaceOperation, reading commit: any CommitReader) async throws(WorkspaceError) -> OperationOutcome {
        try await perform(operation)
    }
}

/// Why a workspace refused or failed an operation.
public enum WorkspaceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A lock forbids the write (the platform's `ScopeLocked`).
    case locked(lock: String, scope: String, detail: String)
    /// Not enough core quota.
    case quotaExceeded(detail: String)
    case notFound(resource: String)
    case conflict(resource: String, detail: String)
    /// Credentials missing or refused.
    case unauthorized(detail: String)
    /// Worth retrying later (throttling, a server error, a timeout).
    case transient(detail: String)
    /// The workspace's own storage failed.
    case storage(detail: String)
    case invalid(detail: String)

    public var description: String {
        switch self {
        case .locked(let lock, let scope, let detail): "the lock '\(lock)' on \(scope) forbids this: \(detail)"
        case .quotaExceeded(let detail): "quota exceeded: \(detail)"
        case .notFound(let resource): "\(resource) does not exist in the workspace"
        case .conflict(let resource, let detail): "\(resource): \(detail)"
        case .unauthorized(let detail): "not authorized: \(detail)"
        case .transient(let detail): "temporary failure (retried on the next run): \(detail)"
        case .storage(let detail): "workspace storage failed: \(detail)"
        case .invalid(let detail): detail
        }
    }
}
