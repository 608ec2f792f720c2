/// A failure of the reconcile machinery itself (not of one action).
public enum ReconcileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The history file could not be read or written.
    case history(file: String, detail: String)
    /// The desired state had errors: nothing was applied.
    case invalidDesiredState(errors: Int)

    public var description: String {
        switch self {
        case .history(let file, let detail):
            "the reconcile history at \(file) could not be used: \(detail) (check the --state folder's permissions and free space)"
        case .invalidDesiredState(let errors):
            "the repository has \(errors) error(s); nothing was applied (run `mlgitops validate` for details)"
        }
    }
}
