public import Manifests

/// What of an environment's definition a local build honours, and what it only records.
///
/// Honoured: the pip packages of the conda specification (installed into a Python virtual
/// environment, in their order). Recorded, not run: the base image, a Docker build context and
/// its Dockerfile (no container engine runs here), conda (non-pip) packages and channels,
/// including a `python=` pin: jobs run on this machine's Python 3.
public struct EnvironmentRecipe: Sendable, Hashable {
    public var pipPackages: [String]
    /// Conda packages that a local build cannot install (no conda here).
    public var condaPackages: [String]
    public var channels: [String]
    public var image: String?
    public var buildContext: BuildContext?

    public init(_ environment: Environment) {
        let definition = environment.definition
        pipPackages = definition.conda?.pipPackages ?? []
        condaPackages =
            definition.conda?.dependencies.compactMap { dependency in
                if case .conda(let package) = dependency { return package }
                return nil
            } ?? []
        channels = definition.conda?.channels ?? []
        image = definition.image
        buildContext = definition.build
    }

    /// The lines a build log starts with: what is installed and what is only recorded.
    public func summary(buildID: String) -> String {
        var lines = ["\(buildID): local build"]
        if let image { lines.append("recorded, not run: base image \(image) (no container engine here)") }
        if let context = buildContext {
            lines.append(
                "recorded, not run: Docker build context \(context.path) (Dockerfile \(context.dockerfilePath), digest \(context.contentDigest))"
            )
        }
        if !condaPackages.isEmpty {
            let from = channels.isEmpty ? "" : " from \(channels.joined(separator: ", "))"
            lines.append("recorded, not installed: conda packages \(condaPackages.joined(separator: " "))\(from)")
        }
        lines.append(
            pipPackages.isEmpty
                ? "installs: no pip packages (a bare virtual environment)"
                : "installs with pip: \(pipPackages.joined(separator: " "))")
        return lines.joined(separator: "\n")
    }
}
