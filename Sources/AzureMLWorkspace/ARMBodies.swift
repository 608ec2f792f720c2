import Foundation
public import Manifests

/// The request bodies, shaped as the official SDK (azure-ai-ml) sends them for the same YAML
/// (the corpus's expected.jsonl; differences in docs/azure.md).
public struct ARMBodies: Sendable {
    public let address: AzureWorkspaceAddress
    /// The workspace's region (a cluster without `location` gets it).
    public let location: String
    /// Storage account and container of the workspace's default blob datastore, for code and
    /// build-context URIs.
    public let storageAccount: String
    public let container: String

    public init(address: AzureWorkspaceAddress, location: String, storageAccount: String = "<storage-account>", container: String = "<workspace-blob-container>") {
        self.address = address
        self.location = location
        self.storageAccount = storageAccount
        self.container = container
    }

    /// Tags mlgitops adds: the content or definition hash, so a later plan compares.
    public static let hashTag = "mlgitops.hash"
    public static let logicalNameTag = "mlgitops.logical-name"
    /// Cluster fields the manifest left unset (comma-separated), so defaults the service fills
    /// in are not read back as drift.
    public static let unsetTag = "mlgitops.unset"

    // MARK: Clusters

    /// PUT computes/{name}.
    public func cluster(_ cluster: ComputeCluster) -> [String: Any] {
        let spec = cluster.spec
        var inner: [String: Any] = [
            "vmSize": spec.size,
            "scaleSettings": [
                "maxNodeCount": spec.maxInstances, "minNodeCount": spec.minInstances,
                "nodeIdleTimeBeforeScaleDown": ISODuration.format(seconds: spec.idleTimeBeforeScaleDown),
            ] as [String: Any],
            "remoteLoginPortPublicAccess": spec.sshPublicAccessEnabled.map { $0 ? "Enabled" : "Disabled" } ?? "NotSpecified",
            "enableNodePublicIp": spec.enableNodePublicIP,
            "osType": "Linux",
        ]
        if spec.tier == .lowPriority { inner["vmPriority"] = "LowPriority" }
        if let subnet = spec.subnet { inner["subnet"] = ["id": subnetID(subnet)] }
        var properties: [String: Any] = ["computeType": "AmlCompute", "properties": inner, "disableLocalAuth": true]
        if let description = cluster.description { properties["description"] = description }
        var body: [String: Any] = ["location": spec.location ?? location, "properties": properties]
        switch spec.identity {
        case .systemAssigned?: body["identity"] = ["type": "SystemAssigned"]
        case .userAssigned(let ids)?:
            body["identity"] = ["type": "UserAssigned", "userAssignedIdentities": Dictionary(uniqueKeysWithValues: ids.map { ($0, [String: Any]()) })] as [String: Any]
        case .none?, nil: break
        }
        var tags = cluster.tags
        var unset: [String] = []
        if spec.location == nil { unset.append("location") }
        if spec.sshPublicAccessEnabled == nil { unset.append("ssh_public_access_enabled") }
        if !unset.isEmpty { tags[Self.unsetTag] = unset.joined(separator: ",") }
        if !tags.isEmpty { body["tags"] = tags }
        return body
    }

    /// PATCH computes/{name}: scale settings only (the doubly nested wire format).
    public func clusterScale(_ spec: ClusterSpec) -> [String: Any] {
        ["properties": ["properties": ["scaleSettings": [
            "maxNodeCount": spec.maxInstances, "minNodeCount": spec.minInstances,
            "nodeIdleTimeBeforeScaleDown": ISODuration.format(seconds: spec.idleTimeBeforeScaleDown),
        ] as [String: Any]]]]
    }

    /// `vnet/subnet` -> the subnet's ARM id in the workspace's resource group; ids pass through.
    func subnetID(_ subnet: String) -> String {
        if subnet.hasPrefix("/subscriptions/") { return subnet }
        let parts = subnet.split(separator: "/")
        guard parts.count == 2 else { return subnet }
        return "\(address.resourceGroupID)/providers/Microsoft.Network/virtualNetworks/\(parts[0])/subnets/\(parts[1])"
    }

    // MARK: Environments

    /// PUT environments/{name}/versions/{version}; `anonymous` for an environment written inline in a job.
    public func environment(_ environment: Environment, anonymous: Bool = false) -> [String: Any] {
        let definition = environment.definition
        var properties: [String: Any] = ["isAnonymous": anonymous, "isArchived": false]
        if let image = definition.image { properties["image"] = image }
        if let conda = definition.conda { properties["condaFile"] = CondaText.render(conda) }
        if let build = definition.build {
            var object: [String: Any] = ["contextUri": uploadURI(path: build.path, digest: build.contentDigest) + "/"]
            if build.path.hasPrefix("http://") || build.path.hasPrefix("https://") { object["contextUri"] = build.path }
            if build.dockerfilePath != "Dockerfile" { object["dockerfilePath"] = build.dockerfilePath }
            properties["build"] = object
        }
        if let os = definition.osType { properties["osType"] = os.lowercased() == "windows" ? "Windows" : "Linux" }
        if !anonymous {
            if let description = environment.description { properties["description"] = description }
            var tags = environment.tags
            tags[Self.hashTag] = environment.hash.hex
            properties["tags"] = tags
        }
        return ["properties": properties]
    }

    /// Where committed files are referenced in the workspace's blob store (LocalUpload/<digest>/<name>).
    func uploadURI(path: String, digest: String) -> String {
        "https://\(storageAccount).blob.core.windows.net/\(container)/LocalUpload/\(Self.hex(digest))/\(Self.lastComponent(path))"
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// A digest as 64 hex characters (digests of other shapes are hashed again).
    static func hex(_ digest: String) -> String {
        let clean = digest.split(separator: ":").last.map(String.init) ?? digest
        if clean.count == 64, clean.allSatisfy(\.isHexDigit) { return clean.lowercased() }
        return SHA256.hex(of: digest)
    }

    // MARK: Ids

    public func computeID(_ name: String) -> String { "\(address.workspaceID)/computes/\(name)" }
    public func codeID(_ digest: String) -> String { "\(address.workspaceID)/codes/\(Self.hex(digest))/versions/1" }
    public func anonymousEnvironmentID(_ environment: Environment) -> String {
        "\(address.workspaceID)/environments/CliV2AnonymousEnvironment/versions/\(environment.hash.hex)"
    }
    public func componentID(_ version: String) -> String { "\(address.workspaceID)/components/azureml_anonymous/versions/\(version)" }

    /// PUT codes/{digest}/versions/1 (an anonymous code asset, as the SDK registers it).
    public func code(path: String, digest: String) -> [String: Any] {
        ["properties": [
            "codeUri": uploadURI(path: path, digest: digest), "isAnonymous": true,
            "properties": ["hash_sha256": Self.hex(digest), "hash_version": 202208] as [String: Any],
        ] as [String: Any]]
    }
}

/// ISO-8601 durations as the SDK writes them (`PT2M`, `PT1H30M`, `PT45S`) and parses them back.
public enum ISODuration {
    public static func format(seconds: Int) -> String {
        guard seconds > 0 else { return "PT0S" }
        let days = seconds / 86400, hours = seconds % 86400 / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        var text = "P" + (days > 0 ? "\(days)D" : "")
        if hours + minutes + rest > 0 {
            text += "T" + (hours > 0 ? "\(hours)H" : "") + (minutes > 0 ? "\(minutes)M" : "") + (rest > 0 ? "\(rest)S" : "")
        }
        return text
    }

    /// Seconds of `P[nD]T[nH][nM][n[.f]S]`; nil when unreadable.
    public static func seconds(_ text: String) -> Int? {
        var total = 0.0, number = "", inTime = false
        for character in text.uppercased() {
            switch character {
            case "P": continue
            case "T": inTime = true
            case "0"..."9", ".": number.append(character)
            default:
                guard let value = Double(number) else { return nil }
                switch (character, inTime) {
                case ("D", false): total += value * 86400
                case ("W", false): total += value * 604800
                case ("H", true): total += value * 3600
                case ("M", true): total += value * 60
                case ("S", true): total += value
                default: return nil
                }
                number = ""
            }
        }
        return number.isEmpty ? Int(total.rounded()) : nil
    }
}

/// The conda specification as the SDK re-dumps it (PyYAML, keys sorted, block style).
enum CondaText {
    static func render(_ conda: CondaSpecification) -> String {
        var lines: [String] = []
        if !conda.channels.isEmpty {
            lines.append("channels:")
            lines += conda.channels.map { "- \(scalar($0))" }
        }
        if !conda.dependencies.isEmpty {
            lines.append("dependencies:")
            for dependency in conda.dependencies {
                switch dependency {
                case .conda(let name): lines.append("- \(scalar(name))")
                case .pip(let packages):
                    lines.append("- pip:")
                    lines += packages.map { "  - \(scalar($0))" }
                }
            }
        }
        if let name = conda.name { lines.append("name: \(scalar(name))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A plain scalar when YAML reads it back as the same string, else single-quoted.
    static func scalar(_ text: String) -> String {
        let indicators = Set("-?:,[]{}#&*!|>'\"%@`")
        let risky = text.isEmpty || indicators.contains(text.first!) && !(text.first == "-" && text.count > 1 && text.dropFirst().first != " ")
            || text.contains(": ") || text.contains(" #") || text.hasSuffix(":") || text != text.trimmingCharacters(in: .whitespaces)
            || ["true", "false", "yes", "no", "null", "~", "on", "off"].contains(text.lowercased()) || Double(text) != nil
        return risky ? "'\(text.replacingOccurrences(of: "'", with: "''"))'" : text
    }
}
