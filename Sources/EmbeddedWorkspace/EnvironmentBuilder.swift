public import Manifests

/// How one environment build went.
public struct EnvironmentBuildResult: Sendable, Hashable {
    /// Whether the environment can be used; a failed build registers no version.
    public var succeeded: Bool
    /// What the build did, for people (stored with the build).
    public var log: String

    public init(succeeded: Bool, log: String) {
        self.succeeded = succeeded
        self.log = log
    }
}

/// Makes an environment's definition real on this machine. The local workspace calls it
/// outside any database transaction (a build may take minutes), at most once per content hash
/// that has no successful build yet.
public protocol EnvironmentBuilder: Sendable {
    /// Builds `environment` (identified by its hash) as the build `buildID`.
    func build(_ environment: Environment, buildID: String) async -> EnvironmentBuildResult
}

/// The default builder: builds nothing and records what a build would do (the image or build
/// context, then the conda packages), so that plans and reuse by hash work before real local
/// builds exist.
public struct RecordingEnvironmentBuilder: EnvironmentBuilder {
    public init() {}

    public func build(_ environment: Environment, buildID: String) async -> EnvironmentBuildResult {
        EnvironmentBuildResult(succeeded: true, log: Self.plan(for: environment, buildID: buildID))
    }

    /// The log line: `build-7f3a… would build train-env (hash 7f3a…): image python:3.11; conda: …`.
    static func plan(for environment: Environment, buildID: String) -> String {
        let definition = environment.definition
        var parts: [String] = []
        if let image = definition.image { parts.append("image \(image)") }
        if let context = definition.build {
            parts.append(
                "build context \(context.path) (Dockerfile \(context.dockerfilePath), digest \(context.contentDigest))")
        }
        if let conda = definition.conda {
            let packages = conda.dependencies.flatMap { dependency -> [String] in
                switch dependency {
                case .conda(let package): [package]
                case .pip(let packages): packages.map { "pip:\($0)" }
                }
            }
            let channels = conda.channels.isEmpty ? "" : " from \(conda.channels.joined(separator: ", "))"
            parts.append("conda \(packages.joined(separator: " "))\(channels)")
        }
        if parts.isEmpty { parts.append("nothing declared") }
        return
            "\(buildID) would build \(environment.name) (hash \(environment.hash.short)): \(parts.joined(separator: "; "))"
    }
}
