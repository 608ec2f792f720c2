public import Foundation
public import Planning

/// How one action of an apply ended.
public struct ActionResult: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Performed now.
        case done
        /// An earlier, interrupted apply had already made the effect.
        case alreadyDone = "already-done"
        case failed
        /// Not attempted because an action it depends on did not succeed.
        case skipped
        /// Journalled before the workspace was asked, never finished (only while the reconcile runs).
        case started
        /// Blocked by a rule in the plan: never started.
        case blocked
    }
    public var resource: String
    public var verb: PlanVerb
    public var status: Status
    public var message: String
    /// When it ended (or, while `started`, began), as the history recorded it.
    public var at: Date?

    public init(resource: String, verb: PlanVerb, status: Status, message: String, at: Date? = nil) {
        self.resource = resource
        self.verb = verb
        self.status = status
        self.message = message
        self.at = at
    }
}

/// One reconcile as the history keeps it.
public struct ReconcileRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case running, succeeded, failed
        /// The process stopped mid-apply; the next run re-planned and finished the work.
        case interrupted
    }
    public var id: Int64
    public var revision: String
    public var author: String
    public var summary: String
    /// What started it: `cli`, `sync`, `webhook`, ...
    public var trigger: String
    /// The folder of the repository that was reconciled.
    public var path: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var status: Status
    /// Counts by verb, e.g. `["create": 2, "submit": 1]`.
    public var counts: [String: Int]
    public var results: [ActionResult]
    /// How long it took, in seconds (nil while it runs).
    public var durationSeconds: Double?
    /// The process that applied it, `pid 4242 on build-01` (nil in records older than the lease).
    public var holder: String?
    /// The plan it applied (only when asked for: plans are large).
    public var plan: Plan?

    public init(
        id: Int64, revision: String, author: String, summary: String, trigger: String, path: String, startedAt: Date,
        finishedAt: Date?, status: Status, counts: [String: Int], results: [ActionResult], holder: String? = nil,
        plan: Plan? = nil
    ) {
        self.durationSeconds = finishedAt.map { $0.timeIntervalSince(startedAt) }
        self.holder = holder
        self.plan = plan
        self.id = id
        self.revision = revision
        self.author = author
        self.summary = summary
        self.trigger = trigger
        self.path = path
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.counts = counts
        self.results = results
    }
}
