public import Manifests

/// How one environment build went.
public struct EnvironmentBuildResult: Sendable, Hashable {
    /// Whether jobs can run in it; a failed build fails the jobs that need it.
    public var succeeded: Bool
    /// What the build did, for people (stored with the build; its tail goes into the reasons
    /// of the jobs it fails).
    public var log: String

    public init(succeeded: Bool, log: String) {
        self.succeeded = succeeded
        self.log = log
    }
}

/// Makes an environment's definition real on this machine, at most once per content hash:
/// the runner calls it for a build nobody has made yet, outside any database transaction.
public protocol EnvironmentBuilder: Sendable {
    /// Builds `environment` as the build `buildID` into `directory` (made empty for it).
    func build(_ environment: Environment, buildID: String, directory: String) async -> EnvironmentBuildResult

    /// The interpreter jobs run with once `directory` holds a successful build.
    func interpreter(in directory: String) -> String
}

/// A builder that builds nothing and records what a build would do: for tests of plans and
/// of the runner's bookkeeping, where a virtual environment would only cost time. Jobs run
/// with the machine's `python3`.
public struct RecordingEnvironmentBuilder: EnvironmentBuilder {
    public init() {}

    public func build(_ environment: Environment, buildID: String, directory: String) async -> EnvironmentBuildResult {
        EnvironmentBuildResult(succeeded: true, log: EnvironmentRecipe(environment).summary(buildID: buildID))
    }

    public func interpreter(in directory: String) -> String { PythonEnvironmentBuilder.hostPython }
}
