public import Manifests
public import Workspaces

/// What a plan does to one resource.
public enum PlanVerb: String, Sendable, Hashable, Codable, CaseIterable {
    case create, update, replace, delete, build, reuse, submit, noop, blocked

    /// The symbol a text plan shows.
    public var symbol: String {
        switch self {
        case .create, .build, .submit: "+"
        case .update: "~"
        case .replace: "-/+"
        case .delete: "-"
        case .reuse: "="
        case .blocked: "!"
        case .noop: " "
        }
    }
}

/// A field that differs between the workspace and git.
public struct FieldChange: Sendable, Hashable, Codable {
    public var field: String
    /// The workspace's value (nil when the resource is new).
    public var from: String?
    /// The value in git (nil when the resource goes away).
    public var to: String?
    public init(field: String, from: String?, to: String?) {
        self.field = field
        self.from = from
        self.to = to
    }
}

/// Why an action may not run: the rule, what it says and what would work.
public struct BlockReason: Sendable, Hashable, Codable {
    /// `create-only`, `immutable-version`, `lock`, `resource-group-lock`, `quota`, `busy`, `dependency`.
    public var rule: String
    public var message: String
    public var fix: String?
    /// The error the platform would answer with, when it would refuse the action itself
    /// (`ClusterMinNodesExceedCoreQuota`, `JobNodeCountExceedsCoreQuota`, `ScopeLocked`).
    public var code: String?
    public init(rule: String, message: String, fix: String? = nil, code: String? = nil) {
        self.rule = rule
        self.message = message
        self.fix = fix
        self.code = code
    }
}

/// Where a serverless task of a job runs: the size (chosen by the quota policies unless the job
/// names one), the nodes and the tier.
public struct ServerlessPlacement: Sendable, Hashable, Codable {
    /// The pipeline step, nil for a command job.
    public var step: String?
    /// The VM size, as the catalogue spells it.
    public var size: String
    /// Its quota family.
    public var family: String
    /// `resources.instance_count`.
    public var nodes: Int
    /// `low_priority` for `queue_settings.job_tier: spot`, else `dedicated`.
    public var tier: ComputeTier
    /// `nodes x vCPUs` of the size.
    public var cores: Int
    /// `quota` when the quota policies chose the size, `instance_type` when the job named it.
    public var chosenBy: String
    /// Why it will wait in the queue (the limits admit it, but the cores are held now).
    public var queues: String?

    public init(step: String?, size: String, family: String, nodes: Int, tier: ComputeTier, cores: Int, chosenBy: String, queues: String? = nil) {
        self.step = step
        self.size = size
        self.family = family
        self.nodes = nodes
        self.tier = tier
        self.cores = cores
        self.chosenBy = chosenBy
        self.queues = queues
    }

    /// `prep: Standard_D1_v2 x1 dedicated (chosen by quota)`.
    public var summary: String {
        (step.map { "\($0): " } ?? "") + "\(size) x\(nodes) \(tier == .dedicated ? "dedicated" : "low-priority") (chosen by \(chosenBy == "quota" ? "quota" : "instance_type"))"
            + (queues == nil ? "" : ", queues for quota")
    }
}

/// One line of a plan.
public struct PlanAction: Sendable, Hashable, Codable {
    public var resource: ResourceID
    public var verb: PlanVerb
    /// What the action would have been, when it is blocked.
    public var intended: PlanVerb?
    /// What the workspace is asked to do (nil for `noop` and `blocked`).
    public var operation: WorkspaceOperation?
    public var changes: [FieldChange]
    /// The content hash (environments) or definition hash (jobs, schedules).
    public var hash: String?
    public var blockedBy: BlockReason?
    /// Short facts for people: the version to build, the build reused, the submission name.
    public var detail: String?
    /// Resources whose actions must succeed first.
    public var dependsOn: [ResourceID]
    /// Where the resource is declared.
    public var source: SourceLocation?
    /// The serverless tasks of a job and where they run (nil for everything else).
    public var serverless: [ServerlessPlacement]?

    public init(
        resource: ResourceID, verb: PlanVerb, operation: WorkspaceOperation? = nil, changes: [FieldChange] = [],
        hash: String? = nil, detail: String? = nil, dependsOn: [ResourceID] = [], source: SourceLocation? = nil
    ) {
        self.resource = resource
        self.verb = verb
        self.operation = operation
        self.changes = changes
        self.hash = hash
        self.detail = detail
        self.dependsOn = dependsOn
        self.source = source
    }

    /// This action, blocked for `reason`: it keeps what it would have done for the record.
    public func blocked(by reason: BlockReason) -> PlanAction {
        var copy = self
        copy.intended = verb == .blocked ? intended : verb
        copy.verb = .blocked
        copy.blockedBy = reason
        copy.operation = nil
        return copy
    }
}

/// A plan: what a reconcile would do, in order.
public struct Plan: Sendable, Hashable, Codable {
    /// The commit planned.
    public var revision: String?
    /// Every managed resource's action, in the order an apply performs them.
    public var actions: [PlanAction]
    /// Problems found in the desired state (a plan with errors has no actions).
    public var diagnostics: [Diagnostic]
    /// Resources in the workspace that git does not declare (deleted only with `--prune`).
    public var unmanaged: [ResourceID]

    public init(revision: String?, actions: [PlanAction], diagnostics: [Diagnostic], unmanaged: [ResourceID] = []) {
        self.revision = revision
        self.actions = actions
        self.diagnostics = diagnostics
        self.unmanaged = unmanaged
    }

    /// How many actions of each verb.
    public var summary: [PlanVerb: Int] {
        actions.reduce(into: [:]) { $0[$1.verb, default: 0] += 1 }
    }

    /// Whether anything differs between git and the workspace (blocked actions count: they
    /// are differences that need a person).
    public var hasChanges: Bool { actions.contains { $0.verb != .noop } }

    /// Whether the desired state had errors.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
