import Foundation
public import Manifests
public import Workspaces

/// Changes made outside any plan, as a person with portal access would make them: drift for
/// tests and for the `jobs` command. They bypass locks and the journal, and they make the
/// journal forget the resource they touch, so that the next plan's operation on it is judged
/// against the rows as they now are instead of being taken as already done.
extension LocalWorkspace {
    /// Sets a cluster's spec, creating the cluster if it does not exist.
    public func setClusterSpec(name: String, spec: ClusterSpec) async throws(WorkspaceError) {
        let date = Date()
        try await writing { db in
            if try ClusterTable.find(name, db) == nil {
                try ClusterTable.put(name: name, spec: spec, tags: [:], at: date, db)
            } else {
                try ClusterTable.setSpec(name, spec, at: date, db)
            }
            try OperationJournal.forget(resource: "compute/\(name)", db)
        }
    }

    /// Removes a cluster; returns whether it existed.
    @discardableResult
    public func removeCluster(name: String) async throws(WorkspaceError) -> Bool {
        try await writing { db in
            let removed = try ClusterTable.delete(name, db)
            try OperationJournal.forget(resource: "compute/\(name)", db)
            return removed
        }
    }

    /// Removes one version of an environment (its build stays, as the platform keeps the
    /// image); returns whether it existed.
    @discardableResult
    public func removeEnvironmentVersion(name: String, version: String) async throws(WorkspaceError) -> Bool {
        try await writing { db in
            let removed = try EnvironmentTables.deleteVersion(name, version, db)
            try OperationJournal.forget(resource: "environment/\(name):\(version)", db)
            return removed
        }
    }

    /// Removes a lock, as someone deleting it in the portal; returns whether it existed.
    @discardableResult
    public func removeLock(name: String) async throws(WorkspaceError) -> Bool {
        try await writing { db in
            let removed = try LockTable.delete(name, db)
            try OperationJournal.forget(resource: ResourceID(.resourceLock, name).description, db)
            return removed
        }
    }

    /// Sets the state of the job submitted as `name` (e.g. `Running`, `Completed`).
    /// Throws ``WorkspaceError/notFound(resource:)`` when no such job was submitted.
    public func setJobState(name: String, state: String) async throws(WorkspaceError) {
        let date = Date()
        let found = try await writing { db in try JobTable.setState(name, state, at: date, db) }
        if !found { throw .notFound(resource: "job/\(name)") }
    }

    /// Inserts (or overwrites) a lock as if someone had placed it in the portal.
    public func insertLock(_ lock: ResourceLock) async throws(WorkspaceError) {
        try await writing { db in
            try LockTable.put(lock, db)
            try OperationJournal.forget(resource: ResourceID(.resourceLock, lock.name).description, db)
        }
    }

    /// Sets the cores in use outside clusters for one family and tier (zero clears it).
    public func setQuotaUsage(_ usage: QuotaUsage) async throws(WorkspaceError) {
        try await writing { db in try QuotaTables.setUsage(usage, db) }
    }

    /// The full definition of the job submitted as `name`, for whoever runs it.
    public func submittedJob(name: String) async throws(WorkspaceError) -> Job? {
        try await reading { db in try JobTable.definition(of: name, db) }
    }

    /// The log stored with the build of `hash`, if it was built (or failed to).
    public func buildLog(of hash: EnvironmentHash) async throws(WorkspaceError) -> String? {
        try await reading { db in try EnvironmentTables.build(ofHash: hash, db)?.log }
    }
}
