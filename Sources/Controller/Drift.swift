public import Manifests
public import Planning

/// A difference between git and the workspace that git did not cause: someone changed the
/// workspace out of band (deleted a cluster, scaled it, removed an environment version, added
/// or removed a lock).
public struct DriftItem: Sendable, Hashable, Encodable {
    /// The resource that drifted.
    public var resource: ResourceID
    /// What the plan would do about it (`create`, `build`, `update`, `delete`, `blocked`...).
    public var verb: PlanVerb
    /// What differs, for people.
    public var detail: String
    /// Whether `--self-heal` repairs it (what the rules allow).
    public var repairable: Bool

    private enum CodingKeys: String, CodingKey { case resource, verb, detail, repairable }

    /// The resource as `kind/name`, as everywhere in the JSON output.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(resource.description, forKey: .resource)
        try container.encode(verb, forKey: .verb)
        try container.encode(detail, forKey: .detail)
        try container.encode(repairable, forKey: .repairable)
    }
}

/// The drift found by one plan, and what self-healing may repair of it.
public struct DriftReport: Sendable, Encodable {
    /// Every drifted resource.
    public var items: [DriftItem]

    /// The drift in `plan` outside `scope`: every out-of-scope difference, and every resource in
    /// the workspace that git never declared (a lock placed in the portal).
    ///
    /// Self-heal may re-create what was deleted (a cluster, an environment version, a lock) and
    /// put back a changed lock, schedule or quota policy; it never modifies a create-only
    /// cluster (a scaled or resized one stays reported), deletes only with `--prune`, and never
    /// starts a blocked action.
    public init(plan: Plan, scope: RevisionScope, prune: Bool) {
        var items: [DriftItem] = []
        for action in plan.actions where action.verb != .noop && !scope.contains(action) {
            items.append(DriftItem(resource: action.resource, verb: action.verb, detail: Self.detail(of: action),
                                   repairable: Self.isRepairable(action)))
        }
        for resource in plan.unmanaged where !scope.contains(unmanaged: resource) {
            items.append(DriftItem(
                resource: resource, verb: .delete,
                detail: "in the workspace but not in git (made outside git)" + (prune ? "" : "; deleted only with --prune"),
                repairable: false))
        }
        self.items = items
    }

    /// Whether there is any drift.
    public var isEmpty: Bool { items.isEmpty }

    /// The resources self-healing may repair.
    public var repairable: Set<ResourceID> { Set(items.filter(\.repairable).map(\.resource)) }

    /// The repairs of `plan`: its actions on repairable drifted resources.
    public func repairs(in plan: Plan) -> [PlanAction] {
        let allowed = repairable
        return plan.actions.filter { allowed.contains($0.resource) && Self.isRepairable($0) }
    }

    static func isRepairable(_ action: PlanAction) -> Bool {
        guard action.verb != .blocked, action.verb != .noop, action.operation != nil else { return false }
        // Clusters are create-only: a deleted one may be re-created, an existing one is never
        // scaled, replaced or deleted by self-healing.
        if action.resource.kind == .compute { return action.verb == .create }
        return true
    }

    private static func detail(of action: PlanAction) -> String {
        if let reason = action.blockedBy { return "\(reason.rule): \(reason.message)" }
        let changes = action.changes.map { "\($0.field) \($0.from ?? "(none)") -> \($0.to ?? "(none)")" }
        let what: String =
            switch action.verb {
            case .create: "missing from the workspace"
            case .build, .reuse: "environment version missing from the workspace"
            case .submit: "job missing from the workspace"
            case .update: "changed in the workspace"
            case .delete: "in the workspace but not in git"
            default: action.verb.rawValue
            }
        // A missing resource's fields are all of git's: listing them says nothing more.
        return changes.isEmpty || action.verb == .create ? what : what + " (" + changes.joined(separator: ", ") + ")"
    }
}
