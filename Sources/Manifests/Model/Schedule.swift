/// When a schedule fires.
public enum ScheduleTrigger: Sendable, Hashable, Codable {
    /// A five-field cron expression in a time zone.
    case cron(expression: String, timeZone: String, startTime: String?, endTime: String?)
    /// Every `interval` units of `frequency` (`minute`, `hour`, `day`, `week`, `month`),
    /// optionally at given hours/minutes/week days/month days.
    case recurrence(
        frequency: String, interval: Int, hours: [Int], minutes: [Int], weekDays: [String], monthDays: [Int],
        timeZone: String, startTime: String?, endTime: String?)
}

/// A schedule (`trigger` + `create_job`): creates its job on every trigger.
public struct Schedule: Sendable, Hashable, Codable {
    public var name: String
    public var displayName: String?
    public var description: String?
    public var tags: [String: String]
    public var trigger: ScheduleTrigger
    /// The job it creates (from `create_job:`, a file or inline), or nil when it names an
    /// existing job (`azureml:<job>`, see `sourceJob`).
    public var job: Job?
    /// `create_job: azureml:<existing job>`.
    public var sourceJob: String?
    /// Hash over the trigger and the job's definition hash: a changed schedule is an update.
    public var hash: JobDefinitionHash
    public var source: SourceLocation

    public init(
        name: String, displayName: String? = nil, description: String? = nil, tags: [String: String] = [:],
        trigger: ScheduleTrigger, job: Job?, sourceJob: String? = nil, hash: JobDefinitionHash, source: SourceLocation
    ) {
        self.name = name
        self.displayName = displayName
        self.description = description
        self.tags = tags
        self.trigger = trigger
        self.job = job
        self.sourceJob = sourceJob
        self.hash = hash
        self.source = source
    }
}
