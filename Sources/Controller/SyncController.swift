public import Foundation
public import GitSource
public import Logging
import Manifests
import Planning
public import Reconciliation
public import Workspaces

/// The sync loop: follows a branch, and on each tick fetches it (with a deadline), stops early
/// when the head did not move and no drift check is due, and otherwise plans and applies.
///
/// After a new commit only what the commit touched is applied (``RevisionScope``); every
/// other difference is drift, reported, and repaired only with `selfHeal`. Every
/// `driftInterval` a full plan looks for drift even when the branch did not move. Applies go
/// through ``ReconcilePass`` (so through its ``ApplyGate``) and are recorded in the history
/// with the trigger `sync` or `webhook`.
public actor SyncController {
    /// What is followed and how.
    public nonisolated let settings: SyncSettings
    /// The counters `/metrics` serves.
    public nonisolated let metrics: SyncMetrics
    private let workspace: any Workspace
    private let history: HistoryStore
    private let gate: any ApplyGate
    private let logger: Logger
    private let repository: FollowedRepository
    private nonisolated let mailbox = TriggerMailbox()
    /// Parsed manifests by blob id: after a new commit only the changed files are parsed.
    nonisolated let parsedFiles = ParsedFileCache()

    private var memory: SyncMemory
    /// The desired state of the last applied commit, to compare a new commit with.
    private var applied: (sha: String, state: DesiredState)?
    /// A commit whose manifests have errors: not re-planned until the branch moves.
    private var rejected: String?
    /// In a dry run nothing is applied: the last commit reported, so it is not re-planned.
    private var reported: String?

    /// A controller applying to `workspace`, recording in `history`, holding `gate` around
    /// every apply (the one-writer lease).
    public init(
        settings: SyncSettings, workspace: any Workspace, history: HistoryStore, gate: any ApplyGate = UngatedApply(),
        metrics: SyncMetrics = SyncMetrics(), logger: Logger = Logger(label: "mlgitops.sync")
    ) {
        self.settings = settings
        self.workspace = workspace
        self.history = history
        self.gate = gate
        self.metrics = metrics
        self.logger = logger
        self.repository = FollowedRepository(
            source: settings.source, branch: settings.branch, stateDirectory: settings.stateDirectory,
            fetchTimeout: settings.fetchTimeout)
        let memory = SyncMemory.load(from: settings.stateDirectory, followed: Self.followed(settings))
        self.memory = memory
        if let last = memory.lastApplied { metrics.setLastApplied(last) }
    }

    private static func followed(_ settings: SyncSettings) -> String {
        "\(settings.source) \(settings.branch) \(settings.path)"
    }

    // MARK: The loop

    /// Asks for a tick now (a webhook announced a push); coalesced with any already waiting.
    public nonisolated func requestSync(_ trigger: SyncTrigger) { mailbox.post(trigger) }

    /// Asks the loop to stop: a tick in progress finishes first; a waiting loop returns at once.
    public nonisolated func stop() { mailbox.stop() }

    /// Whether a stop was asked for.
    public nonisolated var isStopping: Bool { mailbox.isStopping }

    /// Runs ticks until ``stop()`` (or one tick with `once`), handing each report to `report`.
    public func run(once: Bool = false, report: @Sendable (TickReport) -> Void = { _ in }) async {
        var trigger = SyncTrigger.start
        while true {
            report(await tick(trigger))
            if once || mailbox.isStopping { return }
            guard let next = await mailbox.next(within: settings.nextWait()) else { return }
            trigger = next
        }
    }

    // MARK: One tick

    /// One look at the branch, and a plan and apply when something is due.
    public func tick(_ trigger: SyncTrigger) async -> TickReport {
        let startedAt = Date()
        let clock = ContinuousClock.now
        var report = await tickBody(trigger, startedAt: startedAt)
        report.seconds = (ContinuousClock.now - clock).seconds
        metrics.recordTick(report.outcome.rawValue)
        log(report)
        return report
    }

    private func tickBody(_ trigger: SyncTrigger, startedAt: Date) async -> TickReport {
        var report = TickReport(trigger: trigger, outcome: .unchanged, startedAt: startedAt)
        report.previousRevision = memory.lastApplied

        let gitRepository: GitRepository, head: CommitInfo
        do {
            (gitRepository, head) = try await repository.head()
            metrics.recordFetch(failed: false)
        } catch {
            metrics.recordFetch(failed: true)
            report.outcome = .fetchFailed
            report.message = error.description
            return report
        }
        report.revision = head.sha
        report.author = "\(head.authorName) <\(head.authorEmail)>"

        let now = Date().timeIntervalSince1970
        let driftDue = memory.lastDriftCheck.map { now - $0 >= settings.driftInterval.seconds } ?? true
        let moved = head.sha != memory.lastApplied && head.sha != reported
        if head.sha == rejected {
            report.message = "the commit has errors in its manifests; waiting for a new commit"
            return report
        }
        if !driftDue && !moved { return report }

        do {
            return try await plan(head, in: gitRepository, moved: moved, report: report)
        } catch {
            report.outcome = .failed
            report.message = "\(error)"
            return report
        }
    }

    private func plan(_ head: CommitInfo, in gitRepository: GitRepository, moved: Bool, report: TickReport) async throws -> TickReport {
        let parsedBefore = parsedFiles.parsedFiles
        var result = try await planAndApply(head, in: gitRepository, moved: moved, report: report)
        result.parsedFiles = parsedFiles.parsedFiles - parsedBefore
        return result
    }

    private func planAndApply(
        _ head: CommitInfo, in gitRepository: GitRepository, moved: Bool, report: TickReport
    ) async throws -> TickReport {
        var report = report
        // The desired state at the head. When the tree did not change since the applied commit
        // (a merge of nothing, an empty commit), nothing is read again.
        let previous = moved ? await previousDesired(in: gitRepository) : applied?.state
        var desired: DesiredState
        if let previous, let last = memory.lastApplied, moved {
            let changes = try await gitRepository.changedPaths(from: last, to: head.sha)
            report.changedPaths = changes.count
            if changes.isEmpty {
                desired = previous
                desired.commit = head
            } else {
                desired = try await load(head, from: gitRepository, keepingOnlyItsFiles: true)
            }
        } else {
            desired = try await load(head, from: gitRepository, keepingOnlyItsFiles: true)
        }
        if desired.hasErrors {
            rejected = head.sha
            let errors = desired.diagnostics.filter { $0.severity == .error }
            report.outcome = .invalid
            report.message = "\(errors.count) error(s) in the manifests, first: "
                + (errors.first.map { "\($0.location): \($0.message)" } ?? "")
            return report
        }

        let scope = moved ? RevisionScope(from: previous, to: desired) : .nothing
        let selfHeal = settings.selfHeal, prune = settings.planOptions.prune
        let choose: @Sendable (Plan, CurrentState) -> Plan = { plan, _ in
            let drift = DriftReport(plan: plan, scope: scope, prune: prune)
            let repairs = selfHeal ? Set(drift.repairs(in: plan).map(\.resource)) : []
            var chosen = plan
            chosen.actions = plan.actions.filter { scope.contains($0) || repairs.contains($0.resource) }
            chosen.unmanaged = plan.unmanaged.filter { scope.contains(unmanaged: $0) }
            return chosen
        }
        let pass = ReconcilePass(workspace: workspace, history: history, options: settings.planOptions, gate: gate)
        let outcome: ReconcilePass.Outcome
        if settings.dryRun {
            var planned = try await pass.plan(desired)
            planned.applied = choose(planned.plan, planned.current)
            outcome = planned
        } else {
            outcome = try await pass.apply(
                desired, commit: head, path: settings.path, trigger: reportTrigger(report),
                reading: GitCommitReader(repository: gitRepository, revision: head.sha), skippingNoChange: !moved,
                choosing: choose)
        }

        let drift = DriftReport(plan: outcome.plan, scope: scope, prune: prune)
        let repairs = selfHeal ? drift.repairable : []
        report.drift = drift.items
        report.actions = Dictionary(outcome.applied.summary.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +)
        report.repaired = outcome.applied.actions.filter { repairs.contains($0.resource) && $0.verb != .noop }
            .map(\.resource.description)
        metrics.setBlocked(outcome.plan.actions.count { $0.verb == .blocked })
        metrics.setDrift(drift.items.count, checked: true)
        memory.lastDriftCheck = Date().timeIntervalSince1970

        if settings.dryRun {
            report.outcome = .planned
            reported = head.sha
            report.repaired = []
            return report
        }
        report.outcome = moved ? .applied : .driftChecked
        if let applyReport = outcome.report {
            report.reconcileID = applyReport.reconcileID
            report.status = applyReport.status.rawValue
            metrics.recordReconcile(
                trigger: reportTrigger(report), status: applyReport.status.rawValue,
                seconds: Date().timeIntervalSince(report.startedAt),
                results: applyReport.results.map { result in
                    (String(result.resource.prefix { $0 != "/" }), result.verb.rawValue, result.status.rawValue)
                })
            if applyReport.status == .failed {
                report.message = "some actions failed; the commit is planned again on the next tick"
            }
        }
        if outcome.report?.status != .failed {
            memory.lastApplied = head.sha
            applied = (head.sha, desired)
            metrics.setLastApplied(head.sha)
        }
        do {
            try memory.save(to: settings.stateDirectory)
        } catch {
            logger.warning("could not save the sync memory", metadata: ["error": "\(error)"])
        }
        return report
    }

    private func reportTrigger(_ report: TickReport) -> String {
        report.trigger.hasPrefix("webhook") ? "webhook" : "sync"
    }

    /// The desired state of the last applied commit: kept from the apply, or read again after a
    /// restart; nil when there is none (everything is then in scope).
    private func previousDesired(in gitRepository: GitRepository) async -> DesiredState? {
        guard let last = memory.lastApplied else { return nil }
        if let applied, applied.sha == last { return applied.state }
        guard let commit = try? await gitRepository.resolve(last), let state = try? await load(commit, from: gitRepository)
        else { return nil }
        applied = (last, state)
        return state
    }

    /// Loads the manifests at `commit`, parsing only files not parsed before; with
    /// `keepingOnlyItsFiles`, the cache then forgets files not in this commit.
    private func load(
        _ commit: CommitInfo, from gitRepository: GitRepository, keepingOnlyItsFiles: Bool = false
    ) async throws -> DesiredState {
        let snapshot = try await gitRepository.snapshot(of: commit.sha)
        let path = ManifestPath.normalized(settings.path)
        if !path.isEmpty, !snapshot.isDirectory(path) {
            throw GitError.pathNotFound(path: path, revision: commit.shortSHA)
        }
        let state = ManifestLoader.load(snapshot, path: path, cache: parsedFiles)
        if keepingOnlyItsFiles { parsedFiles.retain(only: Set(snapshot.files.values.map(\.blobID))) }
        return state
    }

    // MARK: Logs

    private func log(_ report: TickReport) {
        var metadata: Logger.Metadata = [
            "trigger": "\(report.trigger)", "outcome": "\(report.outcome.rawValue)",
            "seconds": "\(String(format: "%.3f", report.seconds))",
        ]
        if let revision = report.revision { metadata["revision"] = "\(revision)" }
        if let author = report.author { metadata["author"] = "\(author)" }
        if let id = report.reconcileID { metadata["reconcile"] = "\(id)" }
        if let status = report.status { metadata["status"] = "\(status)" }
        if let changed = report.changedPaths { metadata["changed_paths"] = "\(changed)" }
        if !report.actions.isEmpty {
            metadata["actions"] = .dictionary(report.actions.mapValues { .stringConvertible($0) })
        }
        if let message = report.message { metadata["message"] = "\(message)" }
        switch report.outcome {
        case .unchanged: logger.debug("tick", metadata: metadata)
        case .fetchFailed, .failed, .invalid: logger.error("tick", metadata: metadata)
        default: logger.info("tick", metadata: metadata)
        }
        for item in report.drift {
            logger.warning(
                "drift",
                metadata: [
                    "resource": "\(item.resource)", "verb": "\(item.verb.rawValue)", "detail": "\(item.detail)",
                    "repairable": "\(item.repairable)",
                    "repaired": "\(report.repaired.contains(item.resource.description))",
                ])
        }
    }
}

/// The manifests folder as a repository-relative path.
enum ManifestPath {
    static func normalized(_ path: String) -> String {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        while path.hasSuffix("/") { path.removeLast() }
        return path == "." ? "" : path
    }
}
