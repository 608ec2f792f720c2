// INTERFACE STUB: replaced by the local workspace work.
public import Workspaces

public final class LocalWorkspace: Workspace {
    public let displayName: String
    public init(stateDirectory: String, location: String = "local") throws(WorkspaceError) {
        displayName = "local workspace at \(stateDirectory)"
    }
    public func observe() async throws(WorkspaceError) -> CurrentState { CurrentState() }
    public func perform(_ operation: WorkspaceOperation) async throws(WorkspaceError) -> OperationOutcome {
        throw .storage(detail: "stub")
    }
}
