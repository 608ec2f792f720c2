/// Reads a `type: amlcompute` file into a ``ComputeCluster`` (SDK defaults: size
/// `STANDARD_DS3_V2`, 0 to 4 nodes, 120 s idle time).
enum ClusterLoader {
    static let defaultSize = "STANDARD_DS3_V2"

    static func load(_ root: YAMLNode, reader: inout FieldReader) -> ComputeCluster? {
        reader.checkKeys(root, "", allowed: ManifestVocabulary.compute, kind: "a compute cluster (amlcompute)")
        let name = reader.requiredString(root, "name", "name", fix: "add `name: <cluster-name>`")
        _ = reader.enumeration(root["type"], "type", ["amlcompute"])
        let description = reader.string(root["description"], "description")
        let location = reader.string(root["location"], "location")
        _ = reader.string(root["resource_id"], "resource_id")
        let tags = reader.stringMap(root["tags"], "tags")
        let size = reader.string(root["size"], "size") ?? defaultSize
        let tierText = reader.enumeration(root["tier"], "tier", ["low_priority", "dedicated"])
        let minInstances = reader.int(root["min_instances"], "min_instances") ?? 0
        let maxInstances = reader.int(root["max_instances"], "max_instances") ?? 4
        let idle = reader.int(root["idle_time_before_scale_down"], "idle_time_before_scale_down") ?? 120
        let ssh = reader.bool(root["ssh_public_access_enabled"], "ssh_public_access_enabled")
        let publicIP = reader.bool(root["enable_node_public_ip"], "enable_node_public_ip") ?? true

        if let settings = reader.mapping(root["ssh_settings"], "ssh_settings") {
            reader.checkKeys(settings, "ssh_settings", allowed: ManifestVocabulary.sshSettings, kind: "ssh_settings")
            for key in ManifestVocabulary.sshSettings.sorted() { _ = reader.string(settings[key], "ssh_settings.\(key)") }
        }
        var subnet: String?
        if let network = reader.mapping(root["network_settings"], "network_settings") {
            reader.checkKeys(network, "network_settings", allowed: ManifestVocabulary.networkSettings, kind: "network_settings")
            let vnet = reader.string(network["vnet_name"], "network_settings.vnet_name")
            let subnetName = reader.string(network["subnet"], "network_settings.subnet")
            if let subnetName { subnet = vnet.map { "\($0)/\(subnetName)" } ?? subnetName }
        }
        let identity = readIdentity(root["identity"], reader: &reader)

        if let node = root["min_instances"], minInstances < 0 {
            reader.error(node, "min_instances", "min_instances must not be negative (found \(minInstances))", fix: "use 0 or more", rule: "node-range")
        }
        if maxInstances < minInstances {
            reader.error(root["max_instances"] ?? root["min_instances"] ?? root, "max_instances",
                         "max_instances (\(maxInstances)) is below min_instances (\(minInstances))",
                         fix: "make max_instances at least min_instances", rule: "node-range")
        }
        if let node = root["idle_time_before_scale_down"], idle < 0 {
            reader.error(node, "idle_time_before_scale_down", "idle_time_before_scale_down must not be negative (found \(idle))",
                         fix: "give the idle time in seconds, e.g. 120", rule: "idle-time")
        }
        if let node = root["min_instances"], minInstances > 0 {
            reader.warning(node, "min_instances",
                           "min_instances is \(minInstances): that many nodes keep running (and cost) even when idle",
                           fix: "use min_instances: 0 unless jobs need nodes ready at once", rule: "idle-cost")
        }
        guard let name else { return nil }
        let spec = ClusterSpec(
            size: size, tier: tierText == "low_priority" ? .lowPriority : .dedicated, minInstances: minInstances,
            maxInstances: maxInstances, idleTimeBeforeScaleDown: idle, location: location, identity: identity,
            subnet: subnet, enableNodePublicIP: publicIP, sshPublicAccessEnabled: ssh)
        return ComputeCluster(
            name: name, spec: spec, description: description, tags: tags,
            allowsScaleUpdates: tags["mlgitops.allow-scale-updates"]?.lowercased() == "true",
            allowsReplace: tags["mlgitops.allow-replace"]?.lowercased() == "true",
            source: reader.location(root),
            fieldSources: fieldSources(root, reader: reader))
    }

    /// The lines of the fields that policy checks point at.
    private static func fieldSources(_ root: YAMLNode, reader: FieldReader) -> [String: SourceLocation] {
        var sources: [String: SourceLocation] = [:]
        for field in ["size", "min_instances", "max_instances", "location"] {
            if let node = root[field] { sources[field] = reader.location(node) }
        }
        return sources
    }

    private static func readIdentity(_ node: YAMLNode?, reader: inout FieldReader) -> ClusterIdentity? {
        guard let identity = reader.mapping(node, "identity") else { return nil }
        reader.checkKeys(identity, "identity", allowed: ManifestVocabulary.computeIdentity, kind: "identity")
        let type = reader.enumeration(identity["type"], "identity.type", ManifestVocabulary.computeIdentityTypes)
        var ids: [String] = []
        if let list = identity["user_assigned_identities"] {
            if let items = list.items {
                for (index, item) in items.enumerated() {
                    let field = "identity.user_assigned_identities[\(index)]"
                    guard let entry = reader.mapping(item, field) else { continue }
                    reader.checkKeys(entry, field, allowed: ManifestVocabulary.userAssignedIdentity, kind: "a user-assigned identity")
                    if let id = reader.string(entry["resource_id"], field + ".resource_id") { ids.append(id) }
                }
            } else {
                reader.error(list, "identity.user_assigned_identities", "expected a list of `- resource_id: ...` entries",
                             fix: "write each identity as `- resource_id: /subscriptions/.../userAssignedIdentities/<name>`")
            }
        }
        switch type {
        case "system_assigned,user_assigned":
            reader.error(identity["type"], "identity.type",
                         "a cluster has either one system-assigned identity or user-assigned identities, never both",
                         fix: "use `system_assigned` or `user_assigned`", rule: "identity")
            return nil
        case "system_assigned":
            if !ids.isEmpty {
                reader.error(identity["user_assigned_identities"], "identity.user_assigned_identities",
                             "user_assigned_identities given with a system-assigned identity",
                             fix: "use `type: user_assigned`, or remove the list", rule: "identity")
            }
            return .systemAssigned
        case "user_assigned":
            if ids.isEmpty {
                reader.error(identity["type"], "identity.type", "user_assigned identity without user_assigned_identities",
                             fix: "list the identities under `user_assigned_identities`", rule: "identity")
            }
            return .userAssigned(ids)
        case "none": return ClusterIdentity.none
        default: return nil
        }
    }
}
