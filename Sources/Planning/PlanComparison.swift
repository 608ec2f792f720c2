public import Manifests

/// What a pull request changes: the plan of its head compared with the plan of its base,
/// both made against the same workspace, resource by resource. Pure, like the planner.
public struct PlanComparison: Sendable, Hashable, Codable {
    /// How a resource's planned action differs between base and head.
    public enum Change: String, Sendable, Hashable, Codable, CaseIterable {
        /// Declared by the head only.
        case added
        /// Declared by both, with a different planned action (another verb, diff, hash or block).
        case changed
        /// Declared by the base only.
        case removed
    }

    /// One resource the pull request changes.
    public struct Entry: Sendable, Hashable, Codable {
        public var resource: ResourceID
        public var change: Change
        /// The base plan's action (nil when the base does not declare it).
        public var base: PlanAction?
        /// The head plan's action (nil when the head no longer declares it and does not delete it).
        public var head: PlanAction?

        public init(resource: ResourceID, change: Change, base: PlanAction?, head: PlanAction?) {
            self.resource = resource
            self.change = change
            self.base = base
            self.head = head
        }
    }

    /// The base's plan (its actions are empty when the base had errors).
    public var base: Plan
    /// The head's plan: what merging and reconciling would do.
    public var head: Plan
    /// The resources whose plan the pull request changes: head plan order, then removed ones.
    public var entries: [Entry]
    /// Resources both plan the same way.
    public var unchanged: Int

    public init(base: Plan, head: Plan) {
        self.base = base
        self.head = head
        let baseActions = Dictionary(base.actions.map { ($0.resource, $0) }, uniquingKeysWith: { a, _ in a })
        let headIDs = Set(head.actions.map(\.resource))
        var entries: [Entry] = []
        var unchanged = 0
        for action in head.actions {
            guard let before = baseActions[action.resource] else {
                // A delete in the head of something the base never declared is the prune of
                // an unmanaged resource: the pull request did not cause it, but it is a change.
                entries.append(Entry(resource: action.resource, change: .added, base: nil, head: action))
                continue
            }
            if Self.samePlan(before, action) {
                unchanged += 1
            } else {
                entries.append(Entry(resource: action.resource, change: .changed, base: before, head: action))
            }
        }
        for action in base.actions where !headIDs.contains(action.resource) {
            entries.append(Entry(resource: action.resource, change: .removed, base: action, head: nil))
        }
        self.entries = entries
        self.unchanged = unchanged
    }

    /// Entries of one kind of change.
    public func entries(_ change: Change) -> [Entry] { entries.filter { $0.change == change } }

    /// The head's blocked actions, those the pull request touches first.
    public var blocked: [PlanAction] {
        let touched = Set(entries.map(\.resource))
        let all = head.actions.filter { $0.verb == .blocked }
        return all.filter { touched.contains($0.resource) } + all.filter { !touched.contains($0.resource) }
    }

    /// Whether two actions plan the same thing (where the manifest sits does not count).
    static func samePlan(_ a: PlanAction, _ b: PlanAction) -> Bool {
        a.verb == b.verb && a.intended == b.intended && a.changes == b.changes && a.hash == b.hash
            && a.blockedBy == b.blockedBy && a.detail == b.detail && a.dependsOn == b.dependsOn
    }
}
