public import Foundation

/// Where a job or a step stands, in the platform's words.
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Submitted; no runner has looked at it yet.
    case notStarted = "NotStarted"
    /// Waiting for compute: nodes of its cluster, or quota held by other jobs (the reason says which).
    case queued = "Queued"
    /// Its environment is being built and its code and data laid out.
    case preparing = "Preparing"
    case running = "Running"
    /// Cancellation was asked for; the runner stops it at the next chance.
    case cancelRequested = "CancelRequested"
    case completed = "Completed"
    case failed = "Failed"
    case canceled = "Canceled"

    /// Whether nothing more will happen to it.
    public var isTerminal: Bool { self == .completed || self == .failed || self == .canceled }
}

/// One step of a running (or finished) job: a pipeline step, or the single step of a command job.
public struct StepRun: Sendable, Hashable, Codable {
    /// The step's key under `jobs:` (a command job's only step is named after the job).
    public var name: String
    /// `command`, `parallel`, or a type the local workspace records but cannot run.
    public var type: String
    public var state: JobState
    /// Why it waits or failed, for people.
    public var reason: String?
    /// The cluster it runs on, `serverless:<size>`, or `local`.
    public var compute: String?
    /// Nodes it holds (or waits for).
    public var nodes: Int
    /// Runs so far: a restart after a pre-emption or a dead runner counts one more.
    public var attempt: Int
    public var startedAt: Date?
    public var endedAt: Date?
    /// Each output's local path.
    public var outputs: [String: String]
    /// The folder of its logs.
    public var logs: String?
    /// Mini-batches of a parallel step: done, failed and total (nil for other steps).
    public var progress: MiniBatchProgress?

    public init(
        name: String, type: String, state: JobState, reason: String? = nil, compute: String? = nil, nodes: Int = 1,
        attempt: Int = 0, startedAt: Date? = nil, endedAt: Date? = nil, outputs: [String: String] = [:],
        logs: String? = nil, progress: MiniBatchProgress? = nil
    ) {
        self.name = name
        self.type = type
        self.state = state
        self.reason = reason
        self.compute = compute
        self.nodes = nodes
        self.attempt = attempt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outputs = outputs
        self.logs = logs
        self.progress = progress
    }
}

/// How far a parallel step is.
public struct MiniBatchProgress: Sendable, Hashable, Codable {
    public var succeeded: Int
    public var failed: Int
    public var total: Int
    /// Items of the succeeded mini-batches.
    public var items: Int
    public init(succeeded: Int, failed: Int, total: Int, items: Int) {
        self.succeeded = succeeded
        self.failed = failed
        self.total = total
        self.items = items
    }
}

/// One change of state, kept for `jobs show`.
public struct JobEvent: Sendable, Hashable, Codable {
    /// Nil for the job itself.
    public var step: String?
    public var state: JobState
    public var reason: String?
    public var at: Date
    public init(step: String?, state: JobState, reason: String?, at: Date) {
        self.step = step
        self.state = state
        self.reason = reason
        self.at = at
    }
}

/// A job as the runner sees it: its state, its steps and what happened.
public struct JobRun: Sendable, Hashable, Codable {
    /// The submission name.
    public var name: String
    public var logicalName: String
    public var state: JobState
    public var reason: String?
    /// `reconcile`, or `schedule <name> at <time>`.
    public var trigger: String
    public var submittedAt: Date
    public var startedAt: Date?
    public var endedAt: Date?
    public var steps: [StepRun]
    /// The job's folder under the state directory.
    public var directory: String
    /// Outputs of the pipeline itself, by name: the local path of the step output bound to it.
    public var outputs: [String: String]
    public var events: [JobEvent]

    public init(
        name: String, logicalName: String, state: JobState, reason: String?, trigger: String, submittedAt: Date,
        startedAt: Date?, endedAt: Date?, steps: [StepRun], directory: String, outputs: [String: String] = [:],
        events: [JobEvent] = []
    ) {
        self.name = name
        self.logicalName = logicalName
        self.state = state
        self.reason = reason
        self.trigger = trigger
        self.submittedAt = submittedAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.steps = steps
        self.directory = directory
        self.outputs = outputs
        self.events = events
    }
}
