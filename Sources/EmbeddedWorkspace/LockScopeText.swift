import Manifests

/// A lock scope as stored in the `locks.scope` column: its ``LockScope/description``
/// (`resource_group`, `workspace`, `compute/gpu-cluster`).
enum LockScopeText {
    static func text(_ scope: LockScope) -> String { scope.description }

    static func scope(_ text: String) throws -> LockScope {
        switch text {
        case "resource_group": return .resourceGroup
        case "workspace": return .workspace
        default:
            // Names may hold slashes; the kind never does.
            guard let slash = text.firstIndex(of: "/"),
                let kind = ResourceKind(rawValue: String(text[..<slash]))
            else { throw CorruptColumn(column: "locks.scope", detail: "unknown scope '\(text)'") }
            return .resource(ResourceID(kind, String(text[text.index(after: slash)...])))
        }
    }
}
