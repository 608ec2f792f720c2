import Manifests
import Workspaces

extension PlanningContext {
    /// Declared locks: created or changed after everything else; removed only with `--prune`.
    /// Lock operations are not themselves blocked by locks (removing a lock is how a person
    /// unblocks a change).
    mutating func planLocks() -> [PlanAction] {
        var actions: [PlanAction] = []
        let existing = Dictionary(current.locks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for lock in desired.locks.sorted(by: { $0.name < $1.name }) {
            let id = ResourceID(.resourceLock, lock.name)
            // A lock on one resource needs that resource: when its create is blocked or fails,
            // the lock is skipped instead of failing (ARM refuses a lock on a missing resource).
            let scopeResource: [ResourceID] = if case .resource(let target) = lock.scope { [target] } else { [] }
            var action: PlanAction
            if let old = existing[lock.name] {
                var changes: [FieldChange] = []
                if old.level != lock.level { changes.append(FieldChange(field: "level", from: old.level.rawValue, to: lock.level.rawValue)) }
                if old.scope != lock.scope { changes.append(FieldChange(field: "scope", from: old.scope.description, to: lock.scope.description)) }
                if old.notes != lock.notes { changes.append(FieldChange(field: "notes", from: old.notes, to: lock.notes)) }
                action = changes.isEmpty
                    ? PlanAction(resource: id, verb: .noop, source: lock.source)
                    : PlanAction(resource: id, verb: .update, operation: .putLock(lock), changes: changes, source: lock.source)
            } else {
                action = PlanAction(
                    resource: id, verb: .create, operation: .putLock(lock),
                    changes: [
                        FieldChange(field: "level", from: nil, to: lock.level.rawValue),
                        FieldChange(field: "scope", from: nil, to: lock.scope.description),
                    ],
                    detail: "protects \(lock.scope) from the next reconcile on", source: lock.source)
            }
            if action.verb != .noop { action.dependsOn = scopeResource }
            actions.append(finish(action, write: nil))
        }
        let declared = Set(desired.locks.map(\.name))
        for old in current.locks.sorted(by: { $0.name < $1.name }) where !declared.contains(old.name) {
            let id = ResourceID(.resourceLock, old.name)
            if options.prune {
                actions.append(finish(PlanAction(resource: id, verb: .delete, operation: .deleteLock(name: old.name)), write: nil))
            } else {
                unmanaged.append(id)
            }
        }
        return actions
    }
}
