import EmbeddedWorkspace
import Foundation
import Manifests

/// Where a step's environment stands once the runner looked at it.
enum EnvironmentReadiness: Sendable {
    /// Built: run with this interpreter (its folder goes first on `PATH`).
    case ready(interpreter: String)
    /// The build failed (or cannot happen); the reason ends with the build log's tail.
    case failed(String)
}

/// The runner's builds, one at a time per content hash: two steps that need the same
/// environment wait for one build, and a build another runner holds is waited for, not
/// repeated. A failed build stays failed for its hash (only a changed definition retries).
actor EnvironmentBuilds {
    private let workspace: LocalWorkspace
    private let builder: any EnvironmentBuilder
    private let runnerID: String
    private let pollInterval: Duration
    private var inFlight: [String: Task<EnvironmentReadiness, Never>] = [:]

    init(workspace: LocalWorkspace, builder: any EnvironmentBuilder, runnerID: String, pollInterval: Duration) {
        self.workspace = workspace
        self.builder = builder
        self.runnerID = runnerID
        self.pollInterval = pollInterval
    }

    /// Waits until the build of `hash` is ready or failed, building it here if nobody has.
    func ready(_ hash: EnvironmentHash) async -> EnvironmentReadiness {
        if let task = inFlight[hash.hex] { return await task.value }
        let task = Task { [workspace, builder, runnerID, pollInterval] in
            await Self.settle(hash, workspace: workspace, builder: builder, runnerID: runnerID, pollInterval: pollInterval)
        }
        inFlight[hash.hex] = task
        let readiness = await task.value
        inFlight[hash.hex] = nil
        return readiness
    }

    /// Starts every queued build without waiting for a job to need it, so `reconcile --wait`
    /// leaves environments built.
    func startQueued() async {
        guard let hashes = try? await workspace.queuedBuilds() else { return }
        for hash in hashes where inFlight[hash.hex] == nil {
            Task { _ = await self.ready(hash) }
        }
    }

    /// Whether a build is under way in this runner.
    var isBusy: Bool { !inFlight.isEmpty }

    private static func settle(
        _ hash: EnvironmentHash, workspace: LocalWorkspace, builder: any EnvironmentBuilder, runnerID: String,
        pollInterval: Duration
    ) async -> EnvironmentReadiness {
        while true {
            let claim: BuildClaim
            do {
                claim = try await workspace.claimBuild(of: hash, runner: runnerID)
            } catch {
                return .failed("cannot read the build of environment hash \(hash.short): \(error)")
            }
            switch claim {
            case .claimed(let environment, let buildID, let directory):
                let result = await builder.build(environment, buildID: buildID, directory: directory)
                do {
                    try await workspace.finishBuild(buildID, succeeded: result.succeeded, log: result.log)
                } catch {
                    return .failed("build \(buildID) ended but could not be recorded: \(error)")
                }
                if result.succeeded { return .ready(interpreter: builder.interpreter(in: directory)) }
                return .failed(failure(buildID, log: result.log, directory: directory))
            case .succeeded(_, let directory):
                return .ready(interpreter: builder.interpreter(in: directory))
            case .failed(let buildID, let log):
                return .failed(failure(buildID, log: log, directory: workspace.absolutePath("environments/\(buildID)")))
            case .building:
                try? await Task.sleep(for: pollInterval)
                if Task.isCancelled { return .failed("canceled while waiting for the build of hash \(hash.short)") }
            case .missing:
                return .failed("no build of environment hash \(hash.short) is recorded; reconcile the environment first")
            }
        }
    }

    private static func failure(_ buildID: String, log: String, directory: String) -> String {
        let tail = log.split(separator: "\n", omittingEmptySubsequences: true).suffix(8).joined(separator: "\n")
        return "environment build \(buildID) failed (log: \(directory)/build.log); it is retried only when the definition changes. Last lines:\n\(tail)"
    }
}
