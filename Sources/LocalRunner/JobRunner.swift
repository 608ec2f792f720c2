public import EmbeddedWorkspace
import Foundation
public import Policies
public import Workspaces

#if canImport(Glibc)
    import Glibc
#endif

/// When a runner stops.
public enum RunnerStop: Sendable, Hashable {
    /// Once nothing is queued, running or building (`mlgitops jobs run`).
    case whenIdle
    /// Once each named job (submission or logical name) has ended (`reconcile --wait`).
    case whenEnded(Set<String>)
    /// Never: until the process is stopped (`jobs run --keep-running`, `sync`).
    case never
}

/// How a runner works.
public struct RunnerOptions: Sendable {
    public var stop: RunnerStop
    /// Makes environments real; the default builds Python virtual environments.
    public var builder: any EnvironmentBuilder
    /// How often state is read (cancellations, quota, pre-emptions, schedules).
    public var pollInterval: Duration
    public var heartbeatInterval: Duration
    public var catalog: VMSizeCatalog
    /// Whether schedules create their jobs while this runner is up.
    public var schedules: Bool
    /// Where the runner's own notes go (recovered jobs, schedule triggers).
    public var log: @Sendable (String) -> Void

    public init(
        stop: RunnerStop = .whenIdle, builder: any EnvironmentBuilder = PythonEnvironmentBuilder(),
        pollInterval: Duration = .milliseconds(250), heartbeatInterval: Duration = .seconds(2),
        catalog: VMSizeCatalog = .shipped, schedules: Bool = true, log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.stop = stop
        self.builder = builder
        self.pollInterval = pollInterval
        self.heartbeatInterval = heartbeatInterval
        self.catalog = catalog
        self.schedules = schedules
        self.log = log
    }
}

/// What a runner could not do.
public enum RunnerError: Error, CustomStringConvertible {
    case workspace(WorkspaceError)

    public var description: String {
        switch self {
        case .workspace(let error): "the runner cannot use the local workspace: \(error)"
        }
    }
}

/// Runs the local workspace's queued work on this machine: it registers itself, first
/// recovers what dead runners left (their orphans killed, their steps re-queued), then claims
/// jobs, builds queued environments, fires schedules and beats its heart until its stop
/// condition holds. Several runners may share one state directory; claims are transactions.
public final class JobRunner: Sendable {
    /// This runner's id in the state store.
    public let id: String
    private let workspace: LocalWorkspace
    private let options: RunnerOptions

    public init(workspace: LocalWorkspace, options: RunnerOptions) {
        self.workspace = workspace
        self.options = options
        id = "runner-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Works until the stop condition holds.
    public func run() async throws(RunnerError) {
        do {
            try await workspace.registerRunner(id: id, pid: getpid())
            for note in try await workspace.recoverAbandonedWork() { options.log(note) }
        } catch {
            throw .workspace(error)
        }
        let heartbeat = Task { [workspace, id, options] in
            while !Task.isCancelled {
                try? await Task.sleep(for: options.heartbeatInterval)
                try? await workspace.heartbeat(runner: id)
            }
        }
        defer { heartbeat.cancel() }
        let context = RunnerContext(
            workspace: workspace,
            builds: EnvironmentBuilds(
                workspace: workspace, builder: options.builder, runnerID: id, pollInterval: options.pollInterval),
            runnerID: id, catalog: options.catalog, pollInterval: options.pollInterval,
            hostInterpreter: HostPython.interpreter(
                stateDirectory: workspace.absolutePath("."), python: PythonEnvironmentBuilder.hostPython))
        let active = ActiveJobs()
        let clockwork = ScheduleClockwork(workspace: workspace)
        while !Task.isCancelled {
            if options.schedules { for note in await clockwork.tick() { options.log(note) } }
            await context.builds.startQueued()
            let claimed: [ClaimedJob]
            do {
                claimed = try await workspace.claimRunnableJobs(runner: id)
            } catch {
                throw .workspace(error)
            }
            for job in claimed {
                await active.start(job.name) { await JobExecution(context: context, claimed: job).run() }
            }
            if await shouldStop(active: active, builds: context.builds, claimedNow: !claimed.isEmpty) { break }
            try? await Task.sleep(for: options.pollInterval)
        }
        await active.waitAll()
        try? await workspace.unregisterRunner(id: id)
    }

    private func shouldStop(active: ActiveJobs, builds: EnvironmentBuilds, claimedNow: Bool) async -> Bool {
        switch options.stop {
        case .never:
            return false
        case .whenIdle:
            guard !claimedNow, await active.isEmpty, !(await builds.isBusy) else { return false }
            let queued = (try? await workspace.queuedBuilds()) ?? []
            return queued.isEmpty
        case .whenEnded(let names):
            for name in names {
                guard let run = try? await workspace.jobRun(named: name) else { continue }
                if !run.state.isTerminal { return false }
            }
            return await active.isEmpty
        }
    }

    /// Gives up this runner's work at once (the process is being stopped): the processes its
    /// steps started are killed and the steps go back to the queue for the next runner.
    public func abandon() async {
        try? await workspace.abandonRunner(id: id)
    }
}

/// The jobs a runner is executing.
actor ActiveJobs {
    private var tasks: [String: Task<Void, Never>] = [:]

    func start(_ name: String, _ body: @escaping @Sendable () async -> Void) {
        guard tasks[name] == nil else { return }
        tasks[name] = Task {
            await body()
            self.finished(name)
        }
    }

    private func finished(_ name: String) { tasks[name] = nil }

    var isEmpty: Bool { tasks.isEmpty }

    func waitAll() async {
        while let task = tasks.values.first { await task.value }
    }
}
