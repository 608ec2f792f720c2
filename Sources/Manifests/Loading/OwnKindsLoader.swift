/// Reads mlgitops' own kinds, `quota_policy` and `resource_lock` (docs/our-kinds.md); unknown
/// keys are errors there too.
enum OwnKindsLoader {
    static func quotaPolicy(_ root: YAMLNode, reader: inout FieldReader) -> QuotaPolicy? {
        reader.checkKeys(root, "", allowed: ManifestVocabulary.quotaPolicy, kind: "a quota policy")
        let name = reader.requiredString(root, "name", "name", fix: "add `name: <policy-name>`")
        let location = reader.requiredString(root, "location", "location", fix: "add the Azure region, e.g. `location: westeurope`")
        let scope = reader.enumeration(root["scope"], "scope", ["workspace", "subscription"]).flatMap(QuotaScope.init) ?? .workspace
        let maxNodes = reader.int(root["max_nodes_per_cluster"], "max_nodes_per_cluster") ?? 100
        if maxNodes < 1, let node = root["max_nodes_per_cluster"] {
            reader.error(node, "max_nodes_per_cluster", "max_nodes_per_cluster must be at least 1", fix: "use 100 (the default) or more")
        }
        var defaultFamily = nonNegative(root["default_family_cores"], "default_family_cores", reader: &reader)
        var dedicated: Int?, lowPriority: Int?
        var families: [FamilyQuota] = []
        if let limits = reader.mapping(root["limits"], "limits") {
            reader.checkKeys(limits, "limits", allowed: ManifestVocabulary.quotaLimits, kind: "quota limits")
            dedicated = nonNegative(limits["total_dedicated_cores"], "limits.total_dedicated_cores", reader: &reader)
            lowPriority = nonNegative(limits["total_low_priority_cores"], "limits.total_low_priority_cores", reader: &reader)
            defaultFamily = nonNegative(limits["default_family_cores"], "limits.default_family_cores", reader: &reader) ?? defaultFamily
            if let list = limits["families"] {
                if let items = list.items {
                    var seen: [String: Int] = [:]
                    for (index, item) in items.enumerated() {
                        let field = "limits.families[\(index)]"
                        guard let entry = reader.mapping(item, field) else { continue }
                        reader.checkKeys(entry, field, allowed: ManifestVocabulary.quotaFamily, kind: "a family quota")
                        guard let family = reader.requiredString(entry, "family", field + ".family", fix: "add `family: standardDSv2Family`")
                        else { continue }
                        if let first = seen[family.lowercased()] {
                            reader.error(entry["family"], field + ".family", "family `\(family)` is listed twice (first at limits.families[\(first)])",
                                         fix: "merge the two entries")
                        }
                        seen[family.lowercased()] = index
                        families.append(FamilyQuota(
                            family: family,
                            dedicatedCores: nonNegative(entry["dedicated_cores"], field + ".dedicated_cores", reader: &reader),
                            lowPriorityCores: nonNegative(entry["low_priority_cores"], field + ".low_priority_cores", reader: &reader)))
                    }
                } else {
                    reader.error(list, "limits.families", "families must be a list", fix: "write `- family: ...` entries")
                }
            }
        }
        guard let name, let location else { return nil }
        return QuotaPolicy(name: name, location: location, scope: scope, maxNodesPerCluster: maxNodes, totalDedicatedCores: dedicated,
                           totalLowPriorityCores: lowPriority, defaultFamilyCores: defaultFamily, families: families,
                           source: reader.location(root))
    }

    static func resourceLock(_ root: YAMLNode, reader: inout FieldReader) -> ResourceLock? {
        reader.checkKeys(root, "", allowed: ManifestVocabulary.resourceLock, kind: "a resource lock")
        let name = reader.requiredString(root, "name", "name", fix: "add `name: <lock-name>`")
        var level: LockLevel?
        if root["level"] == nil {
            reader.error(root, "level", "missing required field `level`", fix: "add `level: CanNotDelete` (or ReadOnly)")
        } else if let text = reader.enumeration(root["level"], "level", ["CanNotDelete", "ReadOnly"]) {
            level = LockLevel(rawValue: text)
        }
        var scope: LockScope?
        if root["scope"] == nil {
            reader.error(root, "scope", "missing required field `scope`", fix: "add `scope: compute/<cluster>` (or environment/NAME, workspace, resource_group)")
        } else if let text = reader.string(root["scope"], "scope") {
            scope = lockScope(text)
            if text.lowercased().contains("azurebatch-cloudservice") {
                // The platform manages these per cluster; a lock on them breaks scaling and deletion.
                scope = nil
                reader.error(root["scope"], "scope",
                             "scope `\(text)` is a cluster's own networking resource (<GUID>-azurebatch-cloudservicenetworksecuritygroup, "
                                 + "-cloudservicepublicip, -cloudserviceloadbalancer); the platform manages them, and a lock there stops the cluster from scaling or being deleted",
                             fix: "never lock a cluster's networking resources; lock the cluster itself (`scope: compute/<cluster>`) if it needs protection",
                             rule: "networking-lock")
            } else if scope == nil {
                reader.error(root["scope"], "scope", "scope `\(text)` is not `resource_group`, `workspace`, `compute/NAME` or `environment/NAME`",
                             fix: "lock one resource, e.g. `scope: compute/gpu-cluster`")
            }
        }
        let notes = reader.string(root["notes"], "notes")
        if case .resourceGroup? = scope, let node = root["scope"] {
            reader.warning(node, "scope", "a lock on the resource group stops every compute cluster in it from scaling (they hang at \"resizing 0 -> 0\"); every cluster create and scale change will be blocked",
                           fix: "lock the individual resources instead", rule: "resource-group-lock")
        }
        guard let name, let level, let scope else { return nil }
        return ResourceLock(name: name, level: level, scope: scope, notes: notes, source: reader.location(root))
    }

    static func lockScope(_ text: String) -> LockScope? {
        switch text {
        case "resource_group": return .resourceGroup
        case "workspace": return .workspace
        default:
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else { return nil }
            switch parts[0] {
            case "compute": return .resource(ResourceID(.compute, parts[1]))
            case "environment": return .resource(ResourceID(.environment, parts[1]))
            default: return nil
            }
        }
    }

    private static func nonNegative(_ node: YAMLNode?, _ field: String, reader: inout FieldReader) -> Int? {
        guard let value = reader.int(node, field) else { return nil }
        if value < 0 { reader.error(node, field, "\(field) must not be negative (found \(value))", fix: "use 0 or more") }
        return value
    }
}
