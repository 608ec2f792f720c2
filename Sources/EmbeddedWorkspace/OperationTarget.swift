import Manifests
import Workspaces

/// What an operation touches, in the terms locks and the journal use.
struct OperationTarget {
    /// How an operation writes: locks tell these apart.
    enum Write { case upsert, delete, replace, lockChange }

    /// The resources a lock on which would cover the operation (a job answers to its logical
    /// name and to its submission name).
    var resources: [ResourceID]
    var write: Write
    /// The journal's name for the effect's resource: the operations of one resource supersede
    /// each other (see ``OperationJournal``).
    var journalResource: String

    init(_ operation: WorkspaceOperation) {
        switch operation {
        case .createCluster(let cluster): self.init(.compute, cluster.name, .upsert)
        case .updateClusterScale(let name, _): self.init(.compute, name, .upsert)
        case .replaceCluster(let cluster): self.init(.compute, cluster.name, .replace)
        case .deleteCluster(let name): self.init(.compute, name, .delete)
        case .buildEnvironment(let environment, let version), .reuseEnvironment(let environment, let version, _):
            self.init(.environment, environment.name, .upsert, journal: "environment/\(environment.name):\(version)")
        case .deleteEnvironment(let name, let version):
            self.init(.environment, name, .delete, journal: "environment/\(name):\(version)")
        case .submitJob(let job):
            self.init(
                resources: [ResourceID(.job, job.name), ResourceID(.job, job.submissionName)], write: .upsert,
                journalResource: "job/\(job.submissionName)")
        case .putSchedule(let schedule): self.init(.schedule, schedule.name, .upsert)
        case .deleteSchedule(let name): self.init(.schedule, name, .delete)
        case .putLock(let lock): self.init(.resourceLock, lock.name, .lockChange)
        case .deleteLock(let name): self.init(.resourceLock, name, .lockChange)
        case .putQuotaPolicy(let policy): self.init(.quotaPolicy, policy.name, .upsert)
        case .deleteQuotaPolicy(let name): self.init(.quotaPolicy, name, .delete)
        }
    }

    private init(_ kind: ResourceKind, _ name: String, _ write: Write, journal: String? = nil) {
        let id = ResourceID(kind, name)
        self.init(resources: [id], write: write, journalResource: journal ?? id.description)
    }

    private init(resources: [ResourceID], write: Write, journalResource: String) {
        self.resources = resources
        self.write = write
        self.journalResource = journalResource
    }

    /// Whether a lock of `level` forbids this write. Lock changes themselves are never
    /// blocked: that is how a lock is lifted.
    func isForbidden(by level: LockLevel) -> Bool {
        switch (write, level) {
        case (.lockChange, _): false
        case (_, .readOnly): true
        case (.delete, .canNotDelete), (.replace, .canNotDelete): true
        case (.upsert, .canNotDelete): false
        }
    }

    /// A phrase for a refusal: `delete compute/gpu`.
    var summary: String {
        let verb =
            switch write {
            case .upsert: "write"
            case .delete: "delete"
            case .replace: "replace (delete and create)"
            case .lockChange: "change"
            }
        return "\(verb) \(resources[0])"
    }
}
