import Manifests
import Workspaces

extension PlanningContext {
    /// Quota policies are recorded in the workspace so that every later plan (and an
    /// out-of-band change) is judged against the same limits.
    mutating func planQuotaPolicies() -> [PlanAction] {
        var actions: [PlanAction] = []
        let existing = Dictionary(current.quotaPolicies.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for policy in desired.quotaPolicies.sorted(by: { $0.name < $1.name }) {
            let id = ResourceID(.quotaPolicy, policy.name)
            var action: PlanAction
            if let old = existing[policy.name] {
                var comparable = old
                comparable.source = policy.source
                action = comparable == policy
                    ? PlanAction(resource: id, verb: .noop, source: policy.source)
                    : PlanAction(
                        resource: id, verb: .update, operation: .putQuotaPolicy(policy),
                        changes: [FieldChange(field: "limits", from: "changed", to: "as in git")], source: policy.source)
            } else {
                action = PlanAction(resource: id, verb: .create, operation: .putQuotaPolicy(policy), source: policy.source)
            }
            actions.append(finish(action, write: nil))
        }
        let declared = Set(desired.quotaPolicies.map(\.name))
        for old in current.quotaPolicies.sorted(by: { $0.name < $1.name }) where !declared.contains(old.name) {
            let id = ResourceID(.quotaPolicy, old.name)
            if options.prune {
                actions.append(finish(PlanAction(resource: id, verb: .delete, operation: .deleteQuotaPolicy(name: old.name)), write: nil))
            } else {
                unmanaged.append(id)
            }
        }
        return actions
    }
}
