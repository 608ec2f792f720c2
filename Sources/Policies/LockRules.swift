public import Manifests

/// What an action does to a resource, as far as locks care.
public enum WriteKind: String, Sendable, Hashable {
    case create, update, scale, delete, submit
}

/// Why a lock forbids an action.
public struct LockViolation: Sendable, Hashable {
    public var lock: ResourceLock
    /// The rule name shown in plans: `lock` or `resource-group-lock`.
    public var rule: String
    public var message: String
    public var fix: String
    /// The platform's answer to the write (`ScopeLocked`), nil when only we foresee a failure.
    public var code: String?
}

/// How locks (CanNotDelete, ReadOnly; inherited downward from their scope) judge an action.
///
/// Choices (docs/resource-locks.md): a ReadOnly lock blocks every write including a job
/// submission into its scope (the platform refuses the PUT of a job under a read-only
/// workspace); any lock on the resource group blocks cluster creates and scale changes,
/// because scaling deletes and creates nodes underneath and hangs at "resizing 0 -> 0".
public enum LockRules {
    /// The first lock among `locks` that forbids `write` on `resource`, if any.
    public static func violation(of write: WriteKind, on resource: ResourceID, locks: [ResourceLock]) -> LockViolation? {
        for lock in locks.sorted(by: { $0.name < $1.name }) where lock.scope.covers(resource) {
            switch lock.level {
            case .readOnly:
                return LockViolation(
                    lock: lock, rule: "lock",
                    message: "the ReadOnly lock '\(lock.name)' on \(lock.scope) forbids \(write.rawValue) of \(resource)",
                    fix: "remove or lower the lock '\(lock.name)' before this change, or revert the change in git", code: "ScopeLocked")
            case .canNotDelete where write == .delete:
                return LockViolation(
                    lock: lock, rule: "lock",
                    message: "the CanNotDelete lock '\(lock.name)' on \(lock.scope) forbids deleting \(resource)",
                    fix: "keep \(resource) in git, or remove the lock '\(lock.name)' first", code: "ScopeLocked")
            case .canNotDelete:
                break
            }
        }
        if resource.kind == .compute, [.create, .scale].contains(write),
            let lock = locks.sorted(by: { $0.name < $1.name }).first(where: { $0.scope == .resourceGroup })
        {
            return LockViolation(
                lock: lock, rule: "resource-group-lock",
                message: "the \(lock.level.rawValue) lock '\(lock.name)' on the resource group stops clusters from "
                    + "scaling (they hang at \"resizing 0 -> 0\"), so \(write.rawValue) of \(resource) would fail",
                fix: "move the lock '\(lock.name)' from the resource group onto the individual resources", code: nil)
        }
        return nil
    }
}
