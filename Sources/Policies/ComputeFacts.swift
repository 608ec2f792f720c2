public import Manifests

/// What a job's checks need to know of the repository's clusters and environments: each
/// cluster's VM size and each environment's image. Small enough to keep beside a plan, so that
/// an incremental plan checks the jobs it replans as a whole plan would.
public struct ComputeFacts: Sendable, Hashable, Codable {
    /// One declared environment version.
    public struct EnvironmentImage: Sendable, Hashable, Codable {
        public var name: String
        public var version: String?
        public var image: String?

        public init(name: String, version: String?, image: String?) {
            self.name = name
            self.version = version
            self.image = image
        }
    }

    /// The VM size of each declared cluster (the first declaration of a name).
    public var clusterSizes: [String: String]
    /// Every declared environment version, in the desired state's order.
    public var environments: [EnvironmentImage]

    public init(clusterSizes: [String: String], environments: [EnvironmentImage]) {
        self.clusterSizes = clusterSizes
        self.environments = environments
    }

    /// The facts of `desired`.
    public init(_ desired: DesiredState) {
        var sizes: [String: String] = [:]
        for cluster in desired.clusters where sizes[cluster.name] == nil { sizes[cluster.name] = cluster.spec.size }
        clusterSizes = sizes
        environments = desired.environments.map { EnvironmentImage(name: $0.name, version: $0.version, image: $0.definition.image) }
    }

    /// The image of the first environment `name` that `version` (nil: any) matches.
    public func image(of name: String, version: String?) -> String? {
        environments.first { $0.name == name && (version == nil || $0.version == nil || $0.version == version) }?.image
    }
}
