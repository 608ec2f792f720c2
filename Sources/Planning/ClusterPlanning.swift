import Manifests
import Policies
import Workspaces

extension PlanningContext {
    /// Clusters are create-only: missing ones are created; a changed spec is drift, blocked
    /// unless a scale update or a replacement was opted into.
    mutating func planClusters() -> [PlanAction] {
        var actions: [PlanAction] = []
        let existing = Dictionary(current.clusters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let declared = Set(desired.clusters.map(\.name))
        // Clusters git does not declare keep holding their cores: even a pruned one is deleted
        // after the creates of this plan run.
        for cluster in current.clusters.sorted(by: { $0.name < $1.name }) where !declared.contains(cluster.name) {
            ledger.hold(cluster.spec, as: "compute/\(cluster.name)")
        }
        for cluster in desired.clusters.sorted(by: { $0.name < $1.name }) {
            let id = ResourceID(.compute, cluster.name)
            guard let old = existing[cluster.name] else {
                var action = PlanAction(
                    resource: id, verb: .create, operation: .createCluster(cluster),
                    // Only what the file sets: "(none)"/"(unset)" placeholders say nothing on a create.
                    changes: cluster.spec.fields.filter { !$0.value.hasPrefix("(") }
                        .map { FieldChange(field: $0.name, from: nil, to: $0.value) },
                    source: cluster.source)
                action = quotaChecked(action, spec: cluster.spec, write: .create)
                actions.append(finish(action, write: .create))
                continue
            }
            let changes = cluster.spec.changes(from: old.spec).map { FieldChange(field: $0.name, from: $0.from, to: $0.to) }
            if changes.isEmpty {
                ledger.hold(old.spec, as: id.description)
                actions.append(finish(PlanAction(resource: id, verb: .noop, source: cluster.source), write: nil))
                continue
            }
            let scaleOnly = changes.allSatisfy { ClusterSpec.scaleFields.contains($0.field) }
            if scaleOnly, options.allowScaleUpdates || cluster.allowsScaleUpdates {
                var action = PlanAction(
                    resource: id, verb: .update, operation: .updateClusterScale(name: cluster.name, spec: cluster.spec),
                    changes: changes, detail: "scale settings change in place", source: cluster.source)
                action = quotaChecked(action, spec: cluster.spec, write: .scale)
                // A blocked change leaves the cluster as it is, holding what it holds.
                if action.verb == .blocked || isLocked(.scale, id) { ledger.hold(old.spec, as: id.description) }
                actions.append(finish(action, write: .scale))
            } else if options.allowReplace || cluster.allowsReplace {
                var action = PlanAction(
                    resource: id, verb: .replace, operation: .replaceCluster(cluster), changes: changes,
                    detail: "deletes the cluster and creates it anew", source: cluster.source)
                if old.activeJobs > 0 {
                    ledger.hold(old.spec, as: id.description)
                    action = action.blocked(by: BlockReason(
                        rule: "busy",
                        message: "\(old.activeJobs) job(s) still use \(id); a cluster is never replaced while jobs run on it",
                        fix: "wait for the jobs to finish (mlgitops status), then reconcile again"))
                } else {
                    action = quotaChecked(action, spec: cluster.spec, write: .delete)
                    if action.verb == .blocked || isLocked(.delete, id) { ledger.hold(old.spec, as: id.description) }
                }
                actions.append(finish(action, write: .delete))
            } else {
                ledger.hold(old.spec, as: id.description)
                let fields = changes.map(\.field).joined(separator: ", ")
                let optIn = scaleOnly
                    ? "opt in with --allow-scale-updates (or the tag mlgitops.allow-scale-updates: \"true\")"
                    : "opt in to a replacement with --allow-replace (destroys the cluster)"
                let action = PlanAction(resource: id, verb: .update, changes: changes, source: cluster.source)
                    .blocked(by: BlockReason(
                        rule: "create-only",
                        message: "\(id) exists with a different \(fields); clusters are create-only, so the change is reported, not applied",
                        fix: "revert the change in git, or \(optIn)"))
                actions.append(finish(action, write: nil))
            }
        }
        for old in current.clusters.sorted(by: { $0.name < $1.name }) where !declared.contains(old.name) {
            let id = ResourceID(.compute, old.name)
            guard options.prune else {
                unmanaged.append(id)
                continue
            }
            var action = PlanAction(resource: id, verb: .delete, operation: .deleteCluster(name: old.name))
            if old.activeJobs > 0 {
                action = action.blocked(by: BlockReason(
                    rule: "busy", message: "\(old.activeJobs) job(s) still use \(id); a busy cluster is never deleted",
                    fix: "wait for the jobs to finish, then reconcile again"))
            }
            actions.append(finish(action, write: .delete))
        }
        return actions
    }

    /// Blocks `action` when `spec` does not fit the quota left; otherwise holds its cores. An
    /// action a lock forbids is left to ``finish(_:write:)``: it holds nothing.
    private mutating func quotaChecked(_ action: PlanAction, spec: ClusterSpec, write: WriteKind) -> PlanAction {
        if isLocked(write, action.resource) { return action }
        if let shortfall = ledger.shortfall(for: spec) {
            return action.blocked(by: BlockReason(
                rule: "quota", message: shortfall.message, fix: shortfall.fix, code: shortfall.code))
        }
        ledger.hold(spec, as: action.resource.description)
        return action
    }

    private func isLocked(_ write: WriteKind, _ resource: ResourceID) -> Bool {
        LockRules.violation(of: write, on: resource, locks: current.locks) != nil
    }
}
