public import Manifests

// Indirect: a job or cluster payload held inline made every plan action (and every copy of it)
// as large as the largest payload (docs/performance.md).
/// One change a workspace is asked to make. Each carries what it needs, so a provider never
/// reads the repository.
public indirect enum WorkspaceOperation: Sendable, Hashable, Codable {
    case createCluster(ComputeCluster)
    /// Min/max/idle only, in place (an explicit opt-in).
    case updateClusterScale(name: String, spec: ClusterSpec)
    /// Delete then create (an explicit opt-in; never while jobs use it).
    case replaceCluster(ComputeCluster)
    case deleteCluster(name: String)
    /// Build the definition and register it as `version`.
    case buildEnvironment(Environment, version: String)
    /// Register `version` over the existing build of an equal hash, without building.
    case reuseEnvironment(Environment, version: String, buildOf: ObservedEnvironment)
    case deleteEnvironment(name: String, version: String)
    /// Submit under the deterministic ``Job/submissionName``.
    case submitJob(Job)
    case putSchedule(Schedule)
    case deleteSchedule(name: String)
    case putLock(ResourceLock)
    case deleteLock(name: String)
    case putQuotaPolicy(QuotaPolicy)
    case deleteQuotaPolicy(name: String)

    /// A key that names the operation's effect: performing an operation whose key the
    /// workspace already holds must find the earlier effect instead of repeating it.
    public var idempotencyKey: String {
        switch self {
        case .createCluster(let c): "create:compute/\(c.name)"
        case .updateClusterScale(let name, let spec): "scale:compute/\(name):\(spec.minInstances)-\(spec.maxInstances)-\(spec.idleTimeBeforeScaleDown)"
        case .replaceCluster(let c): "replace:compute/\(c.name):\(c.spec.size)"
        case .deleteCluster(let name): "delete:compute/\(name)"
        case .buildEnvironment(let e, let version): "build:environment/\(e.name)/\(version):\(e.hash.hex)"
        case .reuseEnvironment(let e, let version, _): "reuse:environment/\(e.name)/\(version):\(e.hash.hex)"
        case .deleteEnvironment(let name, let version): "delete:environment/\(name)/\(version)"
        case .submitJob(let j): "submit:job/\(j.submissionName)"
        case .putSchedule(let s): "put:schedule/\(s.name):\(s.hash.hex)"
        case .deleteSchedule(let name): "delete:schedule/\(name)"
        case .putLock(let l): "put:resource_lock/\(l.name):\(l.level.rawValue):\(l.scope)"
        case .deleteLock(let name): "delete:resource_lock/\(name)"
        case .putQuotaPolicy(let q): "put:quota_policy/\(q.name)"
        case .deleteQuotaPolicy(let name): "delete:quota_policy/\(name)"
        }
    }
}

/// What came of one operation.
public struct OperationOutcome: Sendable, Hashable, Codable {
    /// `done`: performed now; `alreadyDone`: an earlier attempt had made the effect.
    public enum Status: String, Sendable, Hashable, Codable { case done, alreadyDone }
    public var status: Status
    /// What people read, e.g. `built train-env:3 (build 7f3a…)`.
    public var message: String
    public init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
