public import GitSource

/// Everything the repository declares at one commit, with what was wrong in it.
public struct DesiredState: Sendable {
    /// The commit the state was read from.
    public var commit: CommitInfo?
    public var clusters: [ComputeCluster]
    public var environments: [Environment]
    public var jobs: [Job]
    public var schedules: [Schedule]
    public var quotaPolicies: [QuotaPolicy]
    public var locks: [ResourceLock]
    /// Errors and warnings, sorted by file, line and column.
    public var diagnostics: [Diagnostic]

    public init(
        commit: CommitInfo? = nil, clusters: [ComputeCluster] = [], environments: [Environment] = [], jobs: [Job] = [],
        schedules: [Schedule] = [], quotaPolicies: [QuotaPolicy] = [], locks: [ResourceLock] = [],
        diagnostics: [Diagnostic] = []
    ) {
        self.commit = commit
        self.clusters = clusters
        self.environments = environments
        self.jobs = jobs
        self.schedules = schedules
        self.quotaPolicies = quotaPolicies
        self.locks = locks
        self.diagnostics = diagnostics
    }

    /// Whether any diagnostic is an error (a reconcile must not act then).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
