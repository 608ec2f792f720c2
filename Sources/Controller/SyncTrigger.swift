/// Why a tick runs.
public enum SyncTrigger: Sendable, Hashable {
    /// The process started (or `--once`).
    case start
    /// The interval passed.
    case interval
    /// A push to the followed branch was announced by a webhook.
    case webhook(provider: String, revision: String?)

    /// What the history records as the reconcile's trigger: `webhook` or `sync`.
    public var historyName: String {
        if case .webhook = self { return "webhook" }
        return "sync"
    }

    /// For logs.
    public var label: String {
        switch self {
        case .start: "start"
        case .interval: "interval"
        case .webhook(let provider, _): "webhook/\(provider)"
        }
    }
}
