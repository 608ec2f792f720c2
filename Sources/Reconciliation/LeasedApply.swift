public import Foundation

/// The apply lease as the gate of every apply: `reconcile`, `sync` and webhook-triggered syncs
/// on one state directory apply one at a time, whichever process they run in.
///
/// The lease is taken before the workspace is observed, so a process that waited plans from
/// the state the other one left rather than applying a stale plan.
public struct LeasedApply: ApplyGate {
    /// The state directory whose `history.sqlite` holds the lease.
    public let stateDirectory: String
    /// Seconds to wait for a live holder before giving up with an error naming it.
    public let wait: TimeInterval

    /// A gate on the lease of `stateDirectory`, waiting up to `wait` seconds for it.
    public init(stateDirectory: String, wait: TimeInterval) {
        self.stateDirectory = stateDirectory
        self.wait = wait
    }

    public func whileHeld<T: Sendable>(by holder: String, _ body: @Sendable () async throws -> T) async throws -> T {
        let held = try await ApplyLease.acquireForApply(stateDirectory: stateDirectory, wait: wait)
        defer { held.release() }
        return try await body()
    }
}
