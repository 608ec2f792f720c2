/// A lock's strength.
public enum LockLevel: String, Sendable, Hashable, Codable {
    /// Blocks deletes.
    case canNotDelete = "CanNotDelete"
    /// Blocks every write: create, update, scale, delete.
    case readOnly = "ReadOnly"
}

/// What a lock covers; a lock is inherited by everything below its scope.
public enum LockScope: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The resource group that holds the workspace (and so the workspace and all in it).
    case resourceGroup
    /// The workspace and all in it.
    case workspace
    /// One resource, e.g. `compute/gpu-cluster` or `environment/train-env`.
    case resource(ResourceID)

    public var description: String {
        switch self {
        case .resourceGroup: "resource_group"
        case .workspace: "workspace"
        case .resource(let id): id.description
        }
    }

    /// Whether a lock on this scope covers `resource`.
    public func covers(_ resource: ResourceID) -> Bool {
        switch self {
        case .resourceGroup, .workspace: true
        case .resource(let id): id == resource
        }
    }
}

/// Our own kind `resource_lock` (docs/resource-locks.md).
public struct ResourceLock: Sendable, Hashable, Codable {
    public var name: String
    public var level: LockLevel
    public var scope: LockScope
    public var notes: String?
    public var source: SourceLocation?

    public init(name: String, level: LockLevel, scope: LockScope, notes: String? = nil, source: SourceLocation?) {
        self.name = name
        self.level = level
        self.scope = scope
        self.notes = notes
        self.source = source
    }
}
