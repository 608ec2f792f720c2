/// How the fake ARM server behaves: where it listens, what it accepts, and the faults it injects.
public struct FakeARMConfiguration: Sendable {
    /// The address to bind; loopback by default (the fake has no real authentication).
    public var host: String
    /// The port; 0 picks a free one (reported by ``FakeARMServer/run(onListening:)``).
    public var port: Int
    /// A JSON file the state is loaded from at start and written to after every change.
    public var statePath: String?
    /// The share of requests (0...1) that get an injected fault.
    public var faultRate: Double
    /// The seed of the fault generator: the same seed gives the same faults for the same requests.
    public var faultSeed: UInt64
    /// How long a `slow` fault holds the response, in milliseconds.
    public var slowMilliseconds: Int
    /// `Retry-After` (seconds) on asynchronous operations and throttled answers.
    public var retryAfterSeconds: Int
    /// Polls of an operation's status before it finishes.
    public var operationPolls: Int
    /// Seconds after which an operation finishes even if nobody polls it.
    public var operationSeconds: Double
    /// Seconds each job state lasts (NotStarted -> Starting -> ... -> Completed).
    public var jobStateSeconds: Double
    /// Items per page of every list (`nextLink` carries `$skip`).
    public var pageSize: Int
    /// ARM requests allowed per ``budgetWindowSeconds`` before 429 `SubscriptionRequestsThrottled`
    /// (nil: no budget).
    public var requestBudget: Int?
    public var budgetWindowSeconds: Double
    /// GETs of a newly created resource answered 404 before it becomes visible (eventual
    /// consistency, *inferred*).
    public var staleReads: Int
    /// A PUT over an existing compute that changes a create-only field: accepted and ignored
    /// (as observed on the service, the default) or refused with 400 (synthetic).
    public var rejectImmutableComputeChanges: Bool
    /// Workspaces that exist from the start.
    public var workspaces: [FakeWorkspace]
    /// The only bearer tokens accepted; empty accepts any token.
    public var allowedTokens: Set<String>
    /// A token refused as expired (`ExpiredAuthenticationToken`).
    public var expiredToken: String
    /// api-versions accepted on `Microsoft.MachineLearningServices`.
    public var machineLearningVersions: Set<String>
    /// api-versions accepted on `Microsoft.Authorization/locks`.
    public var lockVersions: Set<String>
    /// Dedicated vCPU limit of each VM family (camelCase family name); others get ``defaultFamilyLimit``.
    public var familyLimits: [String: Int]
    public var defaultFamilyLimit: Int
    /// Regional totals of dedicated and low-priority vCPUs.
    public var totalDedicatedLimit: Int
    public var totalLowPriorityLimit: Int

    public init(
        host: String = "127.0.0.1", port: Int = 0, statePath: String? = nil, faultRate: Double = 0, faultSeed: UInt64 = 1,
        slowMilliseconds: Int = 400, retryAfterSeconds: Int = 1, operationPolls: Int = 2, operationSeconds: Double = 5,
        jobStateSeconds: Double = 2, pageSize: Int = 2, requestBudget: Int? = nil, budgetWindowSeconds: Double = 10, staleReads: Int = 0, rejectImmutableComputeChanges: Bool = false, workspaces: [FakeWorkspace] = [.default],
        allowedTokens: Set<String> = [], expiredToken: String = "expired-token",
        machineLearningVersions: Set<String> = FakeARMConfiguration.knownMachineLearningVersions,
        lockVersions: Set<String> = ["2016-09-01", "2020-05-01"], familyLimits: [String: Int] = [:],
        defaultFamilyLimit: Int = 100, totalDedicatedLimit: Int = 400, totalLowPriorityLimit: Int = 200
    ) {
        self.host = host
        self.port = port
        self.statePath = statePath
        self.faultRate = faultRate
        self.faultSeed = faultSeed
        self.slowMilliseconds = slowMilliseconds
        self.retryAfterSeconds = retryAfterSeconds
        self.operationPolls = operationPolls
        self.operationSeconds = operationSeconds
        self.jobStateSeconds = jobStateSeconds
        self.pageSize = pageSize
        self.requestBudget = requestBudget
        self.budgetWindowSeconds = budgetWindowSeconds
        self.staleReads = staleReads
        self.rejectImmutableComputeChanges = rejectImmutableComputeChanges
        self.workspaces = workspaces
        self.allowedTokens = allowedTokens
        self.expiredToken = expiredToken
        self.machineLearningVersions = machineLearningVersions
        self.lockVersions = lockVersions
        self.familyLimits = familyLimits
        self.defaultFamilyLimit = defaultFamilyLimit
        self.totalDedicatedLimit = totalDedicatedLimit
        self.totalLowPriorityLimit = totalLowPriorityLimit
    }

    /// The GA and preview versions the official SDK and mlgitops use.
    public static let knownMachineLearningVersions: Set<String> = [
        "2023-04-01", "2023-04-01-preview", "2023-06-01-preview", "2023-08-01-preview", "2024-01-01-preview",
        "2024-04-01", "2024-10-01", "2025-01-01-preview", "2025-06-01", "2025-09-01", "2025-12-01",
    ]
}

/// A workspace the fake holds: subscription, resource group, name and region.
public struct FakeWorkspace: Sendable, Hashable, Codable {
    public var subscription: String
    public var resourceGroup: String
    public var name: String
    public var location: String

    public init(subscription: String, resourceGroup: String, name: String, location: String) {
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.name = name
        self.location = location
    }

    /// The corpus's workspace (`00000000-…/my-rg/my-ws`) in West Europe.
    public static let `default` = FakeWorkspace(
        subscription: "00000000-0000-0000-0000-000000000000", resourceGroup: "my-rg", name: "my-ws", location: "westeurope")

    /// Parses `azureml://subscriptions/S/resourceGroups/RG/workspaces/WS[?location=L]`.
    public init?(uri: String, location: String = "westeurope") {
        guard uri.hasPrefix("azureml://") else { return nil }
        var rest = String(uri.dropFirst("azureml://".count))
        var region = location
        if let question = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: question)...]
            rest = String(rest[..<question])
            for pair in query.split(separator: "&") where pair.hasPrefix("location=") { region = String(pair.dropFirst(9)) }
        }
        let parts = rest.split(separator: "/").map(String.init)
        guard parts.count == 6, parts[0].lowercased() == "subscriptions", parts[2].lowercased() == "resourcegroups",
            parts[4].lowercased() == "workspaces"
        else { return nil }
        self.init(subscription: parts[1], resourceGroup: parts[3], name: parts[5], location: region)
    }
}
