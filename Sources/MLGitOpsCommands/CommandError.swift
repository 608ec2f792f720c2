/// A failure of a command's own preconditions, printed as `Error: <message>` with exit code 1.
enum CommandError: Error, CustomStringConvertible {
    /// The state folder does not exist, and the command must not create it.
    case noState(path: String)

    var description: String {
        switch self {
        case .noState(let path): "no state at \(path): run `mlgitops reconcile` first, or pass --state"
        }
    }
}
