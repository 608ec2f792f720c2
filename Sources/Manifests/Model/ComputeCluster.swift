/// The VM priority of a cluster's nodes.
public enum ComputeTier: String, Sendable, Hashable, Codable {
    case dedicated
    case lowPriority = "low_priority"
}

/// A cluster's managed identity: one system-assigned identity or user-assigned ones, never both.
public enum ClusterIdentity: Sendable, Hashable, Codable {
    case systemAssigned
    case userAssigned([String])
    case none

    /// How the identity reads in a diff.
    public var summary: String {
        switch self {
        case .systemAssigned: "system_assigned"
        case .userAssigned(let ids): "user_assigned(\(ids.joined(separator: ",")))"
        case .none: "none"
        }
    }
}

/// The part of a cluster that the platform fixes at creation: what a plan compares.
///
/// Only `minInstances`, `maxInstances` and `idleTimeBeforeScaleDown` can change in place (and
/// only with an explicit opt-in); any other difference is drift of a create-only resource.
public struct ClusterSpec: Sendable, Hashable, Codable {
    /// The VM size as written (compared case-insensitively).
    public var size: String
    public var tier: ComputeTier
    public var minInstances: Int
    public var maxInstances: Int
    /// Seconds an idle node waits before the cluster scales it down.
    public var idleTimeBeforeScaleDown: Int
    /// The Azure region; nil means the workspace's.
    public var location: String?
    public var identity: ClusterIdentity?
    /// `vnet/subnet` when the cluster joins a virtual network.
    public var subnet: String?
    public var enableNodePublicIP: Bool
    public var sshPublicAccessEnabled: Bool?

    public init(
        size: String, tier: ComputeTier = .dedicated, minInstances: Int = 0, maxInstances: Int = 4,
        idleTimeBeforeScaleDown: Int = 120, location: String? = nil, identity: ClusterIdentity? = nil,
        subnet: String? = nil, enableNodePublicIP: Bool = true, sshPublicAccessEnabled: Bool? = nil
    ) {
        self.size = size
        self.tier = tier
        self.minInstances = minInstances
        self.maxInstances = maxInstances
        self.idleTimeBeforeScaleDown = idleTimeBeforeScaleDown
        self.location = location
        self.identity = identity
        self.subnet = subnet
        self.enableNodePublicIP = enableNodePublicIP
        self.sshPublicAccessEnabled = sshPublicAccessEnabled
    }

    /// Every compared field with its YAML name and value as text, in a stable order.
    public var fields: [(name: String, value: String)] {
        [
            ("size", size),
            ("tier", tier.rawValue),
            ("min_instances", String(minInstances)),
            ("max_instances", String(maxInstances)),
            ("idle_time_before_scale_down", String(idleTimeBeforeScaleDown)),
            ("location", location ?? "(workspace)"),
            ("identity", identity?.summary ?? "(none)"),
            ("network_settings", subnet ?? "(none)"),
            ("enable_node_public_ip", String(enableNodePublicIP)),
            ("ssh_public_access_enabled", sshPublicAccessEnabled.map { String($0) } ?? "(unset)"),
        ]
    }

    /// The YAML names of the fields that a scale update may change in place.
    public static let scaleFields: Set<String> = ["min_instances", "max_instances", "idle_time_before_scale_down"]

    /// Field-level differences from `old` to `self`; sizes compare case-insensitively.
    public func changes(from old: ClusterSpec) -> [(name: String, from: String, to: String)] {
        zip(old.fields, fields).compactMap { before, after in
            let same = before.name == "size"
                ? before.value.lowercased() == after.value.lowercased() : before.value == after.value
            return same ? nil : (after.name, before.value, after.value)
        }
    }
}

/// A compute cluster (`type: amlcompute`): created when missing, never silently changed.
public struct ComputeCluster: Sendable, Hashable, Codable {
    public var name: String
    public var spec: ClusterSpec
    public var description: String?
    public var tags: [String: String]
    /// Per-cluster opt-in to in-place scale updates: the tag `mlgitops.allow-scale-updates: "true"`.
    public var allowsScaleUpdates: Bool
    /// Per-cluster opt-in to replacement (delete + create): the tag `mlgitops.allow-replace: "true"`.
    public var allowsReplace: Bool
    public var source: SourceLocation
    /// Where some fields stand (`size`, `min_instances`, `max_instances`), for diagnostics that
    /// name the line of the field; nil when the cluster was not read from a file.
    public var fieldSources: [String: SourceLocation]?

    public init(
        name: String, spec: ClusterSpec, description: String? = nil, tags: [String: String] = [:],
        allowsScaleUpdates: Bool = false, allowsReplace: Bool = false, source: SourceLocation,
        fieldSources: [String: SourceLocation]? = nil
    ) {
        self.fieldSources = fieldSources
        self.name = name
        self.spec = spec
        self.description = description
        self.tags = tags
        self.allowsScaleUpdates = allowsScaleUpdates
        self.allowsReplace = allowsReplace
        self.source = source
    }
}

extension ComputeCluster {
    /// Where `field` stands in the file, else where the cluster does.
    public func location(of field: String) -> SourceLocation { fieldSources?[field] ?? source }
}
