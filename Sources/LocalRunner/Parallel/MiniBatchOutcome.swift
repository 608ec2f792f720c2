/// How a mini-batch ended, after its last attempt.
public enum MiniBatchOutcome: Sendable, Hashable {
    /// One line per row `run()` returned (already converted by the harness), and every
    /// attempt in order, the last one successful.
    case succeeded(rows: [String], attempts: [MiniBatchAttempt])
    /// Every attempt failed; there were `maxRetries + 1` of them.
    case failed(attempts: [MiniBatchAttempt])

    /// Every attempt, in order.
    public var attempts: [MiniBatchAttempt] {
        switch self {
        case .succeeded(_, let attempts), .failed(let attempts): attempts
        }
    }
}
