/// What an apply must hold while it writes to a workspace: the seam where the one-writer lease
/// (`ApplyLease`) plugs in. ``ReconcilePass`` is the only caller; everything that applies
/// (`reconcile`, `sync`, a webhook-triggered sync) goes through it.
public protocol ApplyGate: Sendable {
    /// Runs `body` while holding the gate for `holder` (e.g. `sync`, `cli`): waits for it or
    /// throws a clear error naming who holds it, and releases it however `body` ends.
    func whileHeld<T: Sendable>(by holder: String, _ body: @Sendable () async throws -> T) async throws -> T
}

/// No gate: the apply runs at once. The default until the lease is wired in.
public struct UngatedApply: ApplyGate {
    /// No gate.
    public init() {}

    public func whileHeld<T: Sendable>(by holder: String, _ body: @Sendable () async throws -> T) async throws -> T {
        try await body()
    }
}
