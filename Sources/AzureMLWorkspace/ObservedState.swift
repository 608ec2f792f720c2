import Foundation
import Manifests
import Workspaces

/// ARM bodies read back into the protocol's value types, compared semantically: server-filled
/// fields are ignored, durations parsed, defaults the service fills in are not drift.
enum ObservedState {
    /// An AmlCompute cluster; other compute types are not ours.
    static func cluster(_ body: [String: Any], workspaceLocation: String) -> ObservedCluster? {
        guard let name = body["name"] as? String, let properties = body["properties"] as? [String: Any],
            properties["computeType"] as? String == "AmlCompute"
        else { return nil }
        let inner = properties["properties"] as? [String: Any] ?? [:]
        let scale = inner["scaleSettings"] as? [String: Any] ?? [:]
        var tags = body["tags"] as? [String: String] ?? [:]
        let unset = Set((tags.removeValue(forKey: ARMBodies.unsetTag) ?? "").split(separator: ",").map(String.init))
        let region = ((properties["computeLocation"] as? String) ?? (body["location"] as? String) ?? workspaceLocation)
            .lowercased().replacingOccurrences(of: " ", with: "")
        let location: String? = region == workspaceLocation ? nil : region
        let access = inner["remoteLoginPortPublicAccess"] as? String ?? "NotSpecified"
        let ssh: Bool? =
            switch access {
            case "Disabled": false
            case "Enabled": unset.contains("ssh_public_access_enabled") ? nil : true
            default: nil
            }
        var identity: ClusterIdentity?
        if let object = body["identity"] as? [String: Any] {
            let type = object["type"] as? String ?? "None"
            if type.contains("UserAssigned") {
                identity = .userAssigned(((object["userAssignedIdentities"] as? [String: Any]) ?? [:]).keys.sorted())
            } else if type == "SystemAssigned" {
                identity = .systemAssigned
            }
        }
        var subnet: String?
        if let id = (inner["subnet"] as? [String: Any])?["id"] as? String {
            let parts = id.split(separator: "/").map(String.init)
            if let v = parts.firstIndex(where: { $0.lowercased() == "virtualnetworks" }), parts.count > v + 3 {
                subnet = "\(parts[v + 1])/\(parts[v + 3])"
            } else {
                subnet = id
            }
        }
        let spec = ClusterSpec(
            size: inner["vmSize"] as? String ?? "", tier: inner["vmPriority"] as? String == "LowPriority" ? .lowPriority : .dedicated,
            minInstances: scale["minNodeCount"] as? Int ?? 0, maxInstances: scale["maxNodeCount"] as? Int ?? 0,
            idleTimeBeforeScaleDown: (scale["nodeIdleTimeBeforeScaleDown"] as? String).flatMap(ISODuration.seconds) ?? 120,
            location: location, identity: identity, subnet: subnet, enableNodePublicIP: inner["enableNodePublicIp"] as? Bool ?? true,
            sshPublicAccessEnabled: ssh)
        return ObservedCluster(
            name: name, spec: spec, tags: tags, provisioningState: properties["provisioningState"] as? String ?? "Succeeded")
    }

    /// A version we registered carries our hash; one registered elsewhere gets a hash of its
    /// definition as the service holds it, which never equals ours (so git's version is built).
    static func environment(_ body: [String: Any], name: String) -> ObservedEnvironment? {
        guard let version = body["name"] as? String, let properties = body["properties"] as? [String: Any],
            properties["isAnonymous"] as? Bool != true
        else { return nil }
        let hash: String
        if let tagged = (properties["tags"] as? [String: Any])?[ARMBodies.hashTag] as? String, tagged.count == 64 {
            hash = tagged
        } else {
            let definition = ["image", "condaFile", "build"].compactMap { key in properties[key].map { "\(key)=\($0)" } }.joined(separator: "\n")
            hash = SHA256.hex(of: "foreign:" + definition)
        }
        let state = properties["provisioningState"] as? String ?? "Succeeded"
        return ObservedEnvironment(name: name, version: version, hash: EnvironmentHash(hex: hash), buildID: nil, buildState: state)
    }

    /// A job we submitted (tagged); others are not ours. `clusters` holds full compute ids.
    static func job(_ body: [String: Any]) -> ObservedJob? {
        guard let name = body["name"] as? String, let properties = body["properties"] as? [String: Any],
            let tags = properties["tags"] as? [String: Any], let hash = tags[ARMBodies.hashTag] as? String
        else { return nil }
        var clusters: [String] = []
        if let id = properties["computeId"] as? String { clusters.append(id) }
        if let id = (properties["settings"] as? [String: Any])?["default_compute"] as? String { clusters.append(id) }
        for case let step as [String: Any] in (properties["jobs"] as? [String: Any] ?? [:]).values {
            if let id = step["computeId"] as? String { clusters.append(id) }
        }
        let created = ((body["systemData"] as? [String: Any])?["createdAt"] as? String).flatMap { text -> Date? in
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
        }
        var unique: [String] = []
        for id in clusters where !unique.contains(id) { unique.append(id) }
        return ObservedJob(
            name: name, logicalName: tags[ARMBodies.logicalNameTag] as? String ?? name, hash: JobDefinitionHash(hex: hash),
            state: properties["status"] as? String ?? "Unknown", clusters: unique, submittedAt: created)
    }

    static func schedule(_ body: [String: Any]) -> ObservedSchedule? {
        guard let name = body["name"] as? String, let properties = body["properties"] as? [String: Any] else { return nil }
        let tagged = (properties["tags"] as? [String: Any])?[ARMBodies.hashTag] as? String
        return ObservedSchedule(
            name: name, hash: JobDefinitionHash(hex: tagged ?? SHA256.hex(of: "foreign-schedule:\(name)")),
            enabled: properties["isEnabled"] as? Bool ?? true)
    }

    /// A lock at the resource group, the workspace, or a resource of ours in it; others (on
    /// unrelated resources of the group) are left out.
    static func lock(_ body: [String: Any], address: AzureWorkspaceAddress) -> ResourceLock? {
        guard let id = body["id"] as? String, let name = body["name"] as? String,
            let range = id.range(of: "/providers/Microsoft.Authorization/locks/", options: .caseInsensitive),
            let level = LockLevel(rawValue: (body["properties"] as? [String: Any])?["level"] as? String ?? "")
        else { return nil }
        let scope = String(id[..<range.lowerBound]).lowercased()
        let notes = (body["properties"] as? [String: Any])?["notes"] as? String
        let workspace = address.workspaceID.lowercased()
        let lockScope: LockScope
        if scope == address.resourceGroupID.lowercased() {
            lockScope = .resourceGroup
        } else if scope == workspace {
            lockScope = .workspace
        } else if scope.hasPrefix(workspace + "/") {
            let parts = scope.dropFirst(workspace.count + 1).split(separator: "/").map(String.init)
            guard parts.count == 2 else { return nil }
            // Names keep the lock id's casing.
            let original = String(id[..<range.lowerBound]).split(separator: "/").last.map(String.init) ?? parts[1]
            switch parts[0] {
            case "computes": lockScope = .resource(ResourceID(.compute, original))
            case "environments": lockScope = .resource(ResourceID(.environment, original))
            case "schedules": lockScope = .resource(ResourceID(.schedule, original))
            default: return nil
            }
        } else {
            return nil
        }
        return ResourceLock(name: name, level: level, scope: lockScope, notes: notes?.isEmpty == true ? nil : notes, source: nil)
    }

    /// Cores used outside clusters per family and tier: the family rows of `usages` minus the
    /// clusters' current nodes × vCPUs (from `vmSizes`).
    static func usage(rows: [[String: Any]], sizes: [[String: Any]], computes: [[String: Any]], location: String) -> [QuotaUsage] {
        var cores: [String: (family: String, cores: Int)] = [:]
        for size in sizes {
            if let name = size["name"] as? String, let family = size["family"] as? String {
                cores[name.lowercased()] = (family, size["vCPUs"] as? Int ?? 0)
            }
        }
        var held: [String: Int] = [:]
        for compute in computes {
            guard let inner = (compute["properties"] as? [String: Any])?["properties"] as? [String: Any],
                let size = cores[(inner["vmSize"] as? String ?? "").lowercased()]
            else { continue }
            let tier = inner["vmPriority"] as? String == "LowPriority" ? "LowPriority" : "Dedicated"
            held["\(size.family)|\(tier)", default: 0] += (inner["currentNodeCount"] as? Int ?? 0) * size.cores
        }
        var result: [QuotaUsage] = []
        for row in rows {
            guard (row["type"] as? String ?? "").hasSuffix("vmFamily/usages"), let id = row["id"] as? String,
                let last = id.split(separator: "/").last
            else { continue }
            let text = String(last)
            let dedicated = text.hasSuffix("_Cluster_Dedicated_vCPUs")
            guard dedicated || text.hasSuffix("_Cluster_LowPriority_vCPUs") else { continue }
            let stem = text.replacingOccurrences(of: dedicated ? "_Cluster_Dedicated_vCPUs" : "_Cluster_LowPriority_vCPUs", with: "")
            // Standard_DSv2_Family -> standardDSv2Family
            let joined = stem.replacingOccurrences(of: "_", with: "")
            let family = joined.prefix(1).lowercased() + joined.dropFirst()
            let used = (row["currentValue"] as? Int ?? 0) - held["\(family)|\(dedicated ? "Dedicated" : "LowPriority")", default: 0]
            if used > 0 {
                result.append(QuotaUsage(location: location, family: family, tier: dedicated ? .dedicated : .lowPriority, cores: used))
            }
        }
        return result
    }
}
