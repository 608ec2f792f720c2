public import Foundation
public import Planning

/// Where `sync` reads the desired state from.
public enum SyncSource: Sendable, Hashable, CustomStringConvertible {
    /// A remote mirrored through libgit2 into a bare cache (`https://`, `file://`, ssh).
    case remote(url: String)
    /// A repository on this machine, read in place (its branch is read on every tick).
    case local(path: String)

    /// Whether `repo` names a remote to mirror rather than a local path.
    public static func of(_ repo: String) -> SyncSource {
        let isRemote = repo.contains("://")
            || (repo.contains("@") && repo.contains(":") && !FileManager.default.fileExists(atPath: repo))
        return isRemote ? .remote(url: repo) : .local(path: repo)
    }

    public var description: String {
        switch self {
        case .remote(let url): url
        case .local(let path): path
        }
    }
}

/// How `mlgitops sync` behaves: what it follows, how often it looks, what it may change.
public struct SyncSettings: Sendable {
    /// The repository followed.
    public var source: SyncSource
    /// The branch followed (a branch name; a tag or sha works too and simply never moves).
    public var branch: String
    /// The folder of the repository that holds the manifests ("" for the root).
    public var path: String
    /// The state folder (workspace, history, git cache, the sync's own memory).
    public var stateDirectory: String
    /// Time between two looks at the remote.
    public var interval: Duration
    /// Each wait is `interval` times a random factor in `1 ± jitter` (0 ... 0.5), so that many
    /// controllers do not hit one remote in step.
    public var jitter: Double
    /// Time between two full drift checks (a plan even when the branch did not move).
    public var driftInterval: Duration
    /// Deadline of one fetch.
    public var fetchTimeout: Duration
    /// Report only: never apply.
    public var dryRun: Bool
    /// Repair drift (what the rules allow) instead of only reporting it.
    public var selfHeal: Bool
    /// The plan's opt-ins.
    public var planOptions: PlanOptions

    /// Settings with the documented defaults (60 s interval, 10% jitter, 10 min drift checks).
    public init(
        source: SyncSource, branch: String = "main", path: String = "", stateDirectory: String,
        interval: Duration = .seconds(60), jitter: Double = 0.1, driftInterval: Duration = .seconds(600),
        fetchTimeout: Duration = .seconds(60), dryRun: Bool = false, selfHeal: Bool = false,
        planOptions: PlanOptions = PlanOptions()
    ) {
        self.source = source
        self.branch = branch
        self.path = path
        self.stateDirectory = stateDirectory
        self.interval = interval
        self.jitter = min(max(jitter, 0), 0.5)
        self.driftInterval = driftInterval
        self.fetchTimeout = fetchTimeout
        self.dryRun = dryRun
        self.selfHeal = selfHeal
        self.planOptions = planOptions
    }

    /// The next wait: `interval` scaled by a random factor in `1 ± jitter`.
    func nextWait() -> Duration {
        guard jitter > 0 else { return interval }
        return interval * Double.random(in: (1 - jitter)...(1 + jitter))
    }
}

extension Duration {
    /// Parses `250ms`, `30s`, `5m`, `1h` or a plain number of seconds; nil when unreadable.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            return .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds.isFinite else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The duration in seconds.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
