public import GitSource
import Manifests
public import Planning
public import Workspaces

/// A plan of a later commit made from the ``PlanBaseline`` of an earlier one: the tree diff
/// between the two commits names the changed paths, the baseline names the manifests that read
/// them, and only those are reloaded and their jobs planned again.
///
/// Exact or nothing: whenever the splice could differ from a whole plan (the workspace
/// changed, a cluster, environment, schedule, quota policy or lock is reached, a reached job
/// runs serverless, a name moves between files, components are used differently), it
/// declines with the reason and the caller makes a whole plan.
public struct IncrementalPlan: Sendable {
    public var repository: GitRepository
    public var workspace: any Workspace
    public var stateDirectory: String
    /// The manifests folder, repository-relative.
    public var path: String
    public var options: PlanOptions

    public init(repository: GitRepository, workspace: any Workspace, stateDirectory: String, path: String, options: PlanOptions) {
        self.repository = repository
        self.workspace = workspace
        self.stateDirectory = stateDirectory
        self.path = path
        self.options = options
    }

    /// What an attempt gave.
    public enum Outcome: Sendable {
        /// The plan, and how many manifests were reloaded (0: the baseline's own commit). For
        /// showing only: the actions kept from the baseline carry no operation, so it must
        /// never be applied (the plan's text and JSON do not show operations).
        case planned(Plan, commit: CommitInfo, reloaded: Int)
        /// A whole plan is needed, for this reason.
        case declined(String)
        /// There is no baseline to start from (the first dry run of a state directory): a
        /// whole plan, which makes one, with nothing worth saying.
        case noBaseline
    }

    /// Plans `revision` from the baseline, or declines.
    public func plan(revision: String) async throws -> Outcome {
        guard let baseline = PlanBaseline.open(stateDirectory: stateDirectory), let header = try? baseline.header() else {
            return .noBaseline
        }
        guard let workspaceRevision = try await workspace.observedRevision() else {
            return .declined("the workspace cannot tell whether it changed")
        }
        let key = PlanBaseline.Key(commit: header.key.commit, path: path, options: options, workspaceRevision: workspaceRevision)
        guard key == header.key else {
            return .declined(header.key.workspaceRevision != workspaceRevision
                ? "the workspace changed since the baseline plan" : "the baseline plan was made with other options, path or build")
        }
        let commit = try await repository.resolve(revision)
        if commit.sha == header.key.commit {
            let diagnostics = try baseline.loadDiagnostics(excluding: []) + header.policyDiagnostics
            return .planned(try baseline.plan(header, revision: commit.sha, diagnostics: Self.ordered(diagnostics)), commit: commit, reloaded: 0)
        }

        // What changed, and which manifests read it.
        let changes = try await repository.changedPaths(from: header.key.commit, to: commit.sha)
        var changed: Set<String> = []
        for change in changes {
            if let old = change.oldPath { changed.insert(old) }
            if let new = change.newPath { changed.insert(new) }
        }
        let prefix = path.isEmpty ? "" : path + "/"
        var reloaded = try baseline.readers(of: changed)
        let known = try baseline.manifests(reloaded.union(changed))
        for file in changed where file.hasPrefix(prefix) && ManifestLoader.isYAML(file) { reloaded.insert(file) }

        var replaced: Set<String> = []
        for file in reloaded {
            for resource in known[file]?.declared ?? [] {
                guard resource.kind == .job else { return .declined("\(resource) is reached by the change") }
                replaced.insert(resource.name)
            }
        }

        // Reload, widening the snapshot until it covers everything the reload read.
        var covering = reloaded
        for file in reloaded { covering.formUnion(known[file]?.reads ?? []) }
        var reload: (state: DesiredState, record: LoadRecord)?
        for _ in 0..<4 {
            let partial = try await repository.snapshot(of: commit.sha, covering: covering)
            let present = reloaded.filter { partial.isFile($0) }
            let attempt = ManifestLoader.reload(partial, path: path, files: Array(present), context: LoadRecord(
                index: header.index, components: try baseline.components(among: covering)))
            let read = Set(attempt.record.files.values.flatMap(\.reads)).union(attempt.record.componentReferences.values.joined())
            let uncovered = read.filter { !Self.covers(covering, $0) }
            if uncovered.isEmpty {
                reload = attempt
                break
            }
            covering.formUnion(uncovered)
        }
        guard let reload else { return .declined("the reloaded manifests kept reading new paths") }

        // Which files are components (read through pipelines, never alone) must not move.
        let before = try baseline.componentReferences(of: Set(reload.record.componentReferences.keys).union(changed).union(reloaded))
        let naming = Set(reload.record.componentReferences.keys).union(before.keys)
        for file in naming where before[file] != reload.record.componentReferences[file] {
            return .declined("\(file) names components differently")
        }
        var newNames: Set<String> = []
        for entry in reload.record.files.values {
            for resource in entry.declared {
                guard resource.kind == .job else { return .declined("\(resource) is declared by a changed file") }
                newNames.insert(resource.name)
            }
        }
        if reload.state.jobs.contains(where: { !$0.serverlessDemands.isEmpty }) {
            return .declined("a changed job runs serverless (its placement depends on every cluster's quota)")
        }
        for (name, owner) in try baseline.declaringFiles(ofJobs: newNames.subtracting(replaced)) where !reloaded.contains(owner) {
            return .declined("job/\(name) is also declared in \(owner)")
        }

        let current = try await workspace.observe(
            jobsNamed: replaced.union(newNames), clustersNamed: Set(reload.state.jobs.flatMap(\.clusterDependencies)))
        let diagnostics = Self.ordered(try baseline.loadDiagnostics(excluding: reloaded) + reload.state.diagnostics)
        let plan = JobReplan.plan(
            jobs: reload.state.jobs, replacing: replaced.union(newNames),
            in: try baseline.plan(header, revision: header.key.commit, diagnostics: []), current: current, options: options,
            facts: header.facts, loadDiagnostics: diagnostics, policyDiagnostics: header.policyDiagnostics, reloadedFiles: reloaded,
            revision: commit.sha)
        return .planned(plan, commit: commit, reloaded: reloaded.count)
    }

    /// Whether `path` is one of `covering` or lies under one of them.
    static func covers(_ covering: Set<String>, _ path: String) -> Bool {
        PlanBaseline.selfAndFolders(of: path).contains { covering.contains($0) }
    }

    /// Load diagnostics in the order a whole load gives them.
    static func ordered(_ diagnostics: [Diagnostic]) -> [Diagnostic] { ManifestLoader.ordered(diagnostics) }
}
