/// A Docker build context committed in the repository.
public struct BuildContext: Sendable, Hashable, Codable {
    /// The context folder, from the repository root (or an http(s) URL, not hashed by content).
    public var path: String
    /// The Dockerfile, relative to the context root.
    public var dockerfilePath: String
    /// A digest of every file in the context: relative path, mode and blob id.
    public var contentDigest: String

    public init(path: String, dockerfilePath: String, contentDigest: String) {
        self.path = path
        self.dockerfilePath = dockerfilePath
        self.contentDigest = contentDigest
    }
}

/// A parsed conda specification. Order of channels and dependencies is kept: it is part of the
/// definition (reordering is a new environment).
public struct CondaSpecification: Sendable, Hashable, Codable {
    /// One entry of `dependencies:`.
    public enum Dependency: Sendable, Hashable, Codable {
        /// A conda package, e.g. `python=3.10`.
        case conda(String)
        /// The `pip:` list, in order.
        case pip([String])
    }
    /// The conda environment's own `name:` (cosmetic; not hashed).
    public var name: String?
    public var channels: [String]
    public var dependencies: [Dependency]
    /// The file it came from (repository path), or nil when written inline.
    public var file: String?
    /// The canonical text that is hashed: every key but `name`, mapping keys sorted, sequences
    /// in their written order, as compact JSON.
    public var canonicalText: String

    public init(name: String?, channels: [String], dependencies: [Dependency], file: String?, canonicalText: String) {
        self.name = name
        self.channels = channels
        self.dependencies = dependencies
        self.file = file
        self.canonicalText = canonicalText
    }

    /// The pip requirements in order.
    public var pipPackages: [String] {
        dependencies.flatMap { dependency -> [String] in
            if case .pip(let packages) = dependency { return packages }
            return []
        }
    }
}

/// What an environment is made of; its hash is the environment's identity.
public struct EnvironmentDefinition: Sendable, Hashable, Codable {
    /// The base image (exclusive with `build`).
    public var image: String?
    /// The Docker build context (exclusive with `image`).
    public var build: BuildContext?
    /// The conda specification on top of the image.
    public var conda: CondaSpecification?
    /// `linux` or `windows` (not hashed: the platform does not rebuild for it).
    public var osType: String?

    public init(image: String? = nil, build: BuildContext? = nil, conda: CondaSpecification? = nil, osType: String? = nil) {
        self.image = image
        self.build = build
        self.conda = conda
        self.osType = osType
    }
}

/// An environment: built once per content hash, reused whenever an equal hash was built before.
public struct Environment: Sendable, Hashable, Codable {
    public var name: String
    /// A pinned version (immutable once created), or nil for "the next version when the
    /// content changes".
    public var version: String?
    public var definition: EnvironmentDefinition
    public var hash: EnvironmentHash
    public var description: String?
    public var tags: [String: String]
    public var source: SourceLocation

    public init(
        name: String, version: String?, definition: EnvironmentDefinition, hash: EnvironmentHash,
        description: String? = nil, tags: [String: String] = [:], source: SourceLocation
    ) {
        self.name = name
        self.version = version
        self.definition = definition
        self.hash = hash
        self.description = description
        self.tags = tags
        self.source = source
    }
}
