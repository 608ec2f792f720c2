/// What reading one manifest file gave, before its name is claimed: files are read on every
/// core (``LoadSession/read(_:_:)``), names are claimed in file order.
struct ManifestRead {
    /// A resource the file declares (boxed: a job is large, and every file has a read until
    /// names are claimed).
    indirect enum Resource {
        case cluster(ComputeCluster)
        case environment(Environment)
        case quotaPolicy(QuotaPolicy)
        case resourceLock(ResourceLock)
        case job(Job)
        case schedule(Schedule)
    }

    /// A manifest as the loader classified it.
    typealias Manifest = (file: String, root: YAMLNode, kind: ManifestKind)

    /// nil when the file declares nothing (or nothing valid).
    var resource: Resource?
    /// What the file's own reader found wrong. (Not the reader: the resolved references it
    /// keeps for hashing are not worth keeping for every file until claiming.)
    var diagnostics: [Diagnostic]
    /// What reading recorded in the session meanwhile: the problems of the component and conda
    /// files it went through, in the order they were recorded.
    var recorded: [Diagnostic]
    /// The paths the read went through (nil when the load is not recorded).
    var reads: Set<String>?
    /// The conda files this read reported first on its worker (reported once per load).
    var reported: [String]

    /// A reader of `file` holding ``diagnostics``, for claiming the resource's name.
    func reader(of file: String) -> FieldReader {
        var reader = FieldReader(file: file)
        reader.append(diagnostics)
        return reader
    }

    /// Reads a cluster, environment, quota policy or lock file (what jobs refer to); any other
    /// kind reads as nothing here.
    static func referenced(_ manifest: Manifest, reader: inout FieldReader, session: inout LoadSession) -> Resource? {
        switch manifest.kind {
        case .cluster:
            ClusterLoader.load(manifest.root, reader: &reader).map(Resource.cluster)
        case .environment:
            EnvironmentLoader.loadFile(manifest.root, reader: &reader, session: &session).map(Resource.environment)
        case .quotaPolicy:
            OwnKindsLoader.quotaPolicy(manifest.root, reader: &reader).map(Resource.quotaPolicy)
        case .resourceLock:
            OwnKindsLoader.resourceLock(manifest.root, reader: &reader).map(Resource.resourceLock)
        default:
            nil
        }
    }

    /// Reads a job or schedule file against `index`, validates a standalone component, and
    /// reports the kinds mlgitops does not reconcile; `components` are the files pipelines use
    /// (read through them, not here).
    static func referring(
        _ manifest: Manifest, components: Set<String>, index: RepositoryIndex, reader: inout FieldReader,
        session: inout LoadSession
    ) -> Resource? {
        switch manifest.kind {
        case .commandJob, .pipelineJob:
            // Component files are read through the pipelines that use them. A job file that a
            // schedule names is still a job: every job file under the path is submitted once
            // per definition (keep schedule-only templates outside the path).
            if components.contains(manifest.file) { return nil }
            return JobLoader.load(manifest.root, kind: manifest.kind, reader: &reader, session: &session, index: index)
                .map(Resource.job)
        case .schedule:
            return ScheduleLoader.load(manifest.root, reader: &reader, session: &session, index: index).map(Resource.schedule)
        case .component:
            if components.contains(manifest.file) { return nil }
            var dependencies = JobDependencies()
            _ = ComponentLoader.read(manifest.root, field: "", reader: &reader, session: &session, dependencies: &dependencies,
                                     index: index, standalone: true, depth: 0)
        case .untypedPipeline:
            if components.contains(manifest.file) { return nil }
            reader.error(manifest.root["jobs"], "type",
                         "`jobs:` without `type: pipeline`: the SDK loads this file as a command job, which has no `jobs`",
                         fix: "add `type: pipeline`")
        case .standaloneParallel:
            reader.error(manifest.root["type"] ?? manifest.root, "type", "Unsupported job type: parallel.",
                         fix: "a parallel job runs only as a step of a pipeline: put it under `jobs:` of a `type: pipeline` file")
        case .otherCompute(let type):
            reader.warning(manifest.root["type"] ?? manifest.root, "type",
                           "compute of type `\(type)` is not reconciled by mlgitops; ignored",
                           fix: "manage it outside mlgitops, or use `type: amlcompute` for a cluster")
        case .otherAzureML(let what):
            reader.warning(manifest.root, nil, "\(what): not a kind mlgitops reconciles; ignored",
                           fix: "manage it with the Azure ML CLI, or move it out of the manifests folder")
        case .unrecognised:
            if components.contains(manifest.file) { return nil }
            reader.warning(manifest.root, nil, "not recognised as an Azure ML or mlgitops manifest; ignored",
                           fix: "add `$schema:` or `type:`, or move the file out of the manifests folder")
        case .cluster, .environment, .quotaPolicy, .resourceLock, .condaSpecification, .notAMapping:
            return nil
        }
        return nil
    }
}
