public import Foundation
public import Manifests
public import Workspaces

/// A job a runner took on: its definition, where its files are, and the step rows it has.
public struct ClaimedJob: Sendable {
    /// The submission name.
    public var name: String
    public var job: Job
    public var state: JobState
    public var trigger: String
    /// The committed files it runs (absolute), nil when it was submitted without a commit.
    public var snapshot: String?
    /// Its own folder under the state directory (absolute): steps' code, outputs and logs.
    public var directory: String
    /// Its steps as recorded (empty before the first run).
    public var steps: [StepRun]
}

/// What became of an attempt to take an environment build.
public enum BuildClaim: Sendable {
    /// This runner builds it now.
    case claimed(Environment, buildID: String, directory: String)
    case succeeded(buildID: String, directory: String)
    case failed(buildID: String, log: String)
    /// Another live runner is building it.
    case building(buildID: String)
    /// No build of that hash was ever queued (the environment was never registered).
    case missing
}

/// Nodes and cores one step holds while it runs.
public struct ComputeAllocation: Sendable, Hashable, Codable {
    public var job: String
    public var step: String
    /// Nil for serverless.
    public var cluster: String?
    public var location: String
    /// The VM family, e.g. `standardDSv2Family` (lowercased compares).
    public var family: String
    public var tier: ComputeTier
    public var nodes: Int
    public var cores: Int
    public init(
        job: String, step: String, cluster: String?, location: String, family: String, tier: ComputeTier, nodes: Int,
        cores: Int
    ) {
        self.job = job
        self.step = step
        self.cluster = cluster
        self.location = location
        self.family = family
        self.tier = tier
        self.nodes = nodes
        self.cores = cores
    }
}

/// What compute is held and allowed when a step asks for some.
public struct ComputeSnapshot: Sendable {
    public var location: String
    public var clusters: [ObservedCluster]
    public var allocations: [ComputeAllocation]
    public var policies: [QuotaPolicy]
    /// Cores in use outside this workspace's jobs.
    public var usage: [QuotaUsage]
}

/// A runner's answer to a request for compute.
public enum AllocationDecision: Sendable {
    case grant(ComputeAllocation)
    /// It fits but the nodes or quota are held by others now.
    case wait(reason: String)
    /// It can never fit.
    case refuse(reason: String)
}

/// One finished mini-batch of a parallel step, as recorded.
public struct MiniBatchRecord: Sendable, Hashable, Codable {
    public var batch: Int
    public var succeeded: Bool
    public var items: Int
    public var rowsReturned: Int
    public var attempts: Int
    /// Each failed attempt's reason, in order.
    public var failures: [String]
    /// The file holding the rows it returned (relative to the job folder), when it succeeded.
    public var rowsFile: String?
    public init(
        batch: Int, succeeded: Bool, items: Int, rowsReturned: Int, attempts: Int, failures: [String],
        rowsFile: String?
    ) {
        self.batch = batch
        self.succeeded = succeeded
        self.items = items
        self.rowsReturned = rowsReturned
        self.attempts = attempts
        self.failures = failures
        self.rowsFile = rowsFile
    }
}

/// One enabled schedule as the runner's clock sees it.
public struct ScheduleClock: Sendable {
    public var schedule: Schedule
    /// The committed files of its job (absolute), nil when put without a commit.
    public var snapshot: String?
    /// The hash the clock last counted with; a different one means the schedule changed.
    public var countedHash: JobDefinitionHash?
    /// Where its intervals count from.
    public var anchor: Date?
    /// Triggers up to here are handled (created or recorded missed).
    public var checkedThrough: Date?
}

/// One trigger of a schedule, as recorded.
public struct ScheduleRun: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Its job was created on time.
        case created
        /// Nothing ran at the time; it was not replayed.
        case missed
    }
    public var schedule: String
    public var triggerAt: Date
    public var status: Status
    /// The job created, for `created`.
    public var job: String?
    public init(schedule: String, triggerAt: Date, status: Status, job: String?) {
        self.schedule = schedule
        self.triggerAt = triggerAt
        self.status = status
        self.job = job
    }
}
