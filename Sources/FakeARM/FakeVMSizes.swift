/// The fake's static `vmSizes` catalogue (family in camelCase, as the service writes it).
enum FakeVMSizes {
    struct Size {
        var name: String
        var family: String
        var cores: Int
        var gpus: Int
        var json: [String: Any] {
            ["name": name, "family": family, "vCPUs": cores, "gpus": gpus, "lowPriorityCapable": true,
             "supportedComputeTypes": ["AmlCompute", "ComputeInstance"]]
        }
    }

    static let catalogue: [Size] = [
        Size(name: "Standard_DS1_v2", family: "standardDSv2Family", cores: 1, gpus: 0),
        Size(name: "Standard_DS2_v2", family: "standardDSv2Family", cores: 2, gpus: 0),
        Size(name: "Standard_DS3_v2", family: "standardDSv2Family", cores: 4, gpus: 0),
        Size(name: "Standard_DS4_v2", family: "standardDSv2Family", cores: 8, gpus: 0),
        Size(name: "Standard_DS5_v2", family: "standardDSv2Family", cores: 16, gpus: 0),
        Size(name: "Standard_DS11_v2", family: "standardDSv2Family", cores: 2, gpus: 0),
        Size(name: "Standard_DS12_v2", family: "standardDSv2Family", cores: 4, gpus: 0),
        Size(name: "Standard_D2_v2", family: "standardDv2Family", cores: 2, gpus: 0),
        Size(name: "Standard_D3_v2", family: "standardDv2Family", cores: 4, gpus: 0),
        Size(name: "Standard_D2s_v3", family: "standardDSv3Family", cores: 2, gpus: 0),
        Size(name: "Standard_D4s_v3", family: "standardDSv3Family", cores: 4, gpus: 0),
        Size(name: "Standard_D8s_v3", family: "standardDSv3Family", cores: 8, gpus: 0),
        Size(name: "Standard_D13_v2", family: "standardDv2Family", cores: 8, gpus: 0),
        Size(name: "Standard_F4s_v2", family: "standardFSv2Family", cores: 4, gpus: 0),
        Size(name: "Standard_F8s_v2", family: "standardFSv2Family", cores: 8, gpus: 0),
        Size(name: "Standard_E4s_v3", family: "standardESv3Family", cores: 4, gpus: 0),
        Size(name: "Standard_NC6", family: "standardNCFamily", cores: 6, gpus: 1),
        Size(name: "Standard_NC12", family: "standardNCFamily", cores: 12, gpus: 2),
        Size(name: "Standard_NC24", family: "standardNCFamily", cores: 24, gpus: 4),
        Size(name: "Standard_NC6s_v3", family: "standardNCSv3Family", cores: 6, gpus: 1),
        Size(name: "Standard_NC12s_v3", family: "standardNCSv3Family", cores: 12, gpus: 2),
        Size(name: "Standard_NC24s_v3", family: "standardNCSv3Family", cores: 24, gpus: 4),
        Size(name: "Standard_NC4as_T4_v3", family: "standardNCASv3_T4Family", cores: 4, gpus: 1),
        Size(name: "Standard_ND40rs_v2", family: "standardNDSv2Family", cores: 40, gpus: 8),
        Size(name: "Standard_ND96asr_v4", family: "standardNDASv4_A100Family", cores: 96, gpus: 8),
    ]

    static var families: [String] {
        var seen: [String] = []
        for size in catalogue where !seen.contains(size.family) { seen.append(size.family) }
        return seen
    }

    /// A size by name, compared case-insensitively (the service echoes `STANDARD_NC6` as sent).
    static func find(_ name: String) -> Size? {
        catalogue.first { $0.name.lowercased() == name.lowercased() }
    }

    /// `standardDSv2Family` -> `Standard_DSv2_Family_Cluster_Dedicated_vCPUs`.
    static func usageName(_ family: String, dedicated: Bool) -> String {
        var core = family
        if core.hasPrefix("standard") { core = String(core.dropFirst("standard".count)) }
        if core.hasSuffix("Family") { core = String(core.dropLast("Family".count)) }
        return "Standard_\(core)_Family_Cluster_\(dedicated ? "Dedicated" : "LowPriority")_vCPUs"
    }

    /// `standardDSv2Family` -> `Standard DSv2 Family` (as quota messages write it).
    static func spaced(_ family: String) -> String {
        var core = family
        if core.hasPrefix("standard") { core = String(core.dropFirst("standard".count)) }
        if core.hasSuffix("Family") { core = String(core.dropLast("Family".count)) }
        return "Standard \(core) family"
    }
}
