public import Foundation
public import Manifests

/// A cluster as the workspace has it.
public struct ObservedCluster: Sendable, Hashable, Codable {
    public var name: String
    public var spec: ClusterSpec
    public var tags: [String: String]
    /// `Creating`, `Succeeded`, `Failed`, `Deleting`, ...
    public var provisioningState: String
    /// Jobs currently queued or running on it: a cluster in use is never replaced or deleted.
    public var activeJobs: Int

    public init(name: String, spec: ClusterSpec, tags: [String: String] = [:], provisioningState: String = "Succeeded", activeJobs: Int = 0) {
        self.name = name
        self.spec = spec
        self.tags = tags
        self.provisioningState = provisioningState
        self.activeJobs = activeJobs
    }
}

/// One version of an environment as the workspace has it.
public struct ObservedEnvironment: Sendable, Hashable, Codable {
    public var name: String
    public var version: String
    public var hash: EnvironmentHash
    /// The build this version uses; versions sharing a hash share a build.
    public var buildID: String?
    /// `Succeeded`, `Failed`, `Running`, ...
    public var buildState: String

    public init(name: String, version: String, hash: EnvironmentHash, buildID: String? = nil, buildState: String = "Succeeded") {
        self.name = name
        self.version = version
        self.hash = hash
        self.buildID = buildID
        self.buildState = buildState
    }
}

/// A job the workspace received.
public struct ObservedJob: Sendable, Hashable, Codable {
    /// The submission name (``Job/submissionName``).
    public var name: String
    /// The logical name from the repository.
    public var logicalName: String
    public var hash: JobDefinitionHash
    /// `NotStarted`, `Queued`, `Running`, `Completed`, `Failed`, `Canceled`, ...
    public var state: String
    /// Clusters it runs on.
    public var clusters: [String]
    public var submittedAt: Date?

    public init(name: String, logicalName: String, hash: JobDefinitionHash, state: String, clusters: [String] = [], submittedAt: Date? = nil) {
        self.name = name
        self.logicalName = logicalName
        self.hash = hash
        self.state = state
        self.clusters = clusters
        self.submittedAt = submittedAt
    }

    /// Whether the job still holds or waits for compute.
    public var isActive: Bool { !["Completed", "Failed", "Canceled"].contains(state) }
}

/// A schedule the workspace has.
public struct ObservedSchedule: Sendable, Hashable, Codable {
    public var name: String
    public var hash: JobDefinitionHash
    public var enabled: Bool
    public init(name: String, hash: JobDefinitionHash, enabled: Bool = true) {
        self.name = name
        self.hash = hash
        self.enabled = enabled
    }
}

/// Cores in use of one VM family and tier (for quota arithmetic).
public struct QuotaUsage: Sendable, Hashable, Codable {
    public var location: String
    public var family: String
    public var tier: ComputeTier
    public var cores: Int
    public init(location: String, family: String, tier: ComputeTier, cores: Int) {
        self.location = location
        self.family = family
        self.tier = tier
        self.cores = cores
    }
}

/// What exists in a workspace when a plan starts.
public struct CurrentState: Sendable, Codable {
    /// The workspace's default location (region).
    public var location: String
    public var clusters: [ObservedCluster]
    public var environments: [ObservedEnvironment]
    public var jobs: [ObservedJob]
    public var schedules: [ObservedSchedule]
    /// Locks present in the workspace (declared ones once created, and any made outside git).
    public var locks: [ResourceLock]
    /// Quota policies recorded in the workspace.
    public var quotaPolicies: [QuotaPolicy]
    /// Cores in use outside clusters (instances, serverless jobs).
    public var quotaUsage: [QuotaUsage]

    public init(
        location: String = "local", clusters: [ObservedCluster] = [], environments: [ObservedEnvironment] = [],
        jobs: [ObservedJob] = [], schedules: [ObservedSchedule] = [], locks: [ResourceLock] = [],
        quotaPolicies: [QuotaPolicy] = [], quotaUsage: [QuotaUsage] = []
    ) {
        self.location = location
        self.clusters = clusters
        self.environments = environments
        self.jobs = jobs
        self.schedules = schedules
        self.locks = locks
        self.quotaPolicies = quotaPolicies
        self.quotaUsage = quotaUsage
    }
}
