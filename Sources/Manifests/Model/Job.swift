/// Where a step runs.
public enum ComputeTarget: Sendable, Hashable, Codable {
    /// A named cluster (`azureml:cpu-cluster` or a bare name).
    case cluster(String)
    /// Serverless compute: sized by quota unless `resources.instance_type` says otherwise.
    case serverless
    /// `local`: the machine that submits.
    case local
    /// Nothing given: the pipeline's default, else serverless.
    case unspecified
}

/// How a step names its environment.
public enum EnvironmentReference: Sendable, Hashable, Codable {
    /// `azureml:name:version`, or `azureml:name@latest` (version nil).
    case named(name: String, version: String?)
    /// An environment written inline in the job (anonymous: no name or version).
    case inline(Environment)
    /// Anything else (a registry reference, an ARM id): kept as written, not resolved.
    case external(String)
}

/// Code a step runs: a committed folder or file, or a remote reference.
public enum CodeReference: Sendable, Hashable, Codable {
    /// A path from the repository root, with a digest of its files' paths, modes and blob ids.
    case repository(path: String, digest: String)
    /// An `azureml:`, `git+`, or http(s) reference, kept as written.
    case remote(String)
}

/// A data path of an input or output.
public enum DataPath: Sendable, Hashable, Codable {
    /// A committed file or folder, from the repository root, with its content digest.
    case repository(path: String, digest: String)
    /// A remote URI (`azureml://`, `https://`, `wasbs://`, ...), kept as written.
    case remote(String)
    /// A binding such as `${{parent.inputs.raw}}` or `${{parent.jobs.prep.outputs.clean}}`.
    case binding(String)
}

/// One input of a job or step.
public enum JobInput: Sendable, Hashable, Codable {
    /// A literal value (numbers and booleans as their text).
    case literal(String)
    /// A whole-value binding, e.g. `${{parent.inputs.threshold}}`.
    case binding(String)
    /// A data input.
    case data(type: String, path: DataPath?, mode: String?)
}

/// One output of a job or step.
public struct JobOutput: Sendable, Hashable, Codable {
    public var type: String?
    public var mode: String?
    /// A binding to a pipeline output (`${{parent.outputs.x}}`) or a destination path.
    public var path: DataPath?
    public init(type: String? = nil, mode: String? = nil, path: DataPath? = nil) {
        self.type = type
        self.mode = mode
        self.path = path
    }
}

/// A command: the body of a command job or a command step.
public struct CommandTask: Sendable, Hashable, Codable {
    public var command: String
    public var code: CodeReference?
    public var environment: EnvironmentReference
    public var compute: ComputeTarget
    public var inputs: [String: JobInput]
    public var outputs: [String: JobOutput]
    public var environmentVariables: [String: String]
    public var instanceCount: Int?
    public var instanceType: String?
    /// `limits.timeout` in seconds.
    public var timeout: Int?
    /// `queue_settings.job_tier` (`spot`, `standard`, ...).
    public var jobTier: String?
    /// `distribution.type`, when distributed.
    public var distribution: String?

    public init(
        command: String, code: CodeReference?, environment: EnvironmentReference, compute: ComputeTarget,
        inputs: [String: JobInput] = [:], outputs: [String: JobOutput] = [:],
        environmentVariables: [String: String] = [:], instanceCount: Int? = nil, instanceType: String? = nil,
        timeout: Int? = nil, jobTier: String? = nil, distribution: String? = nil
    ) {
        self.command = command
        self.code = code
        self.environment = environment
        self.compute = compute
        self.inputs = inputs
        self.outputs = outputs
        self.environmentVariables = environmentVariables
        self.instanceCount = instanceCount
        self.instanceType = instanceType
        self.timeout = timeout
        self.jobTier = jobTier
        self.distribution = distribution
    }
}

/// How a parallel step splits its main input.
public enum MiniBatchSize: Sendable, Hashable, Codable {
    /// A number of files per mini-batch (file-list inputs).
    case files(Int)
    /// A number of bytes per mini-batch (tabular inputs), from `"10kb"` and the like.
    case bytes(Int)
}

/// A parallel step (`type: parallel`, only inside a pipeline).
public struct ParallelTask: Sendable, Hashable, Codable {
    public var inputs: [String: JobInput]
    public var outputs: [String: JobOutput]
    /// `input_data`: the `${{inputs.x}}` binding of the main input.
    public var inputData: String
    public var miniBatchSize: MiniBatchSize?
    public var partitionKeys: [String]?
    public var instanceCount: Int?
    public var instanceType: String?
    public var maxConcurrencyPerInstance: Int?
    /// -1 ignores every mini-batch failure.
    public var miniBatchErrorThreshold: Int
    /// Item failures tolerated; -1 ignores them.
    public var errorThreshold: Int
    public var maxRetries: Int
    /// Seconds one `run()` call may take.
    public var retryTimeout: Int
    /// `DEBUG`, `INFO` or `WARNING` (case-sensitive).
    public var loggingLevel: String
    public var environmentVariables: [String: String]
    public var compute: ComputeTarget
    public var code: CodeReference?
    public var entryScript: String
    public var environment: EnvironmentReference
    public var programArguments: String?
    /// `${{outputs.x}}` that gathers every returned row.
    public var appendRowTo: String?

    public init(
        inputs: [String: JobInput], outputs: [String: JobOutput], inputData: String, miniBatchSize: MiniBatchSize?,
        partitionKeys: [String]?, instanceCount: Int?, instanceType: String?, maxConcurrencyPerInstance: Int?,
        miniBatchErrorThreshold: Int, errorThreshold: Int, maxRetries: Int, retryTimeout: Int, loggingLevel: String,
        environmentVariables: [String: String], compute: ComputeTarget, code: CodeReference?, entryScript: String,
        environment: EnvironmentReference, programArguments: String?, appendRowTo: String?
    ) {
        self.inputs = inputs
        self.outputs = outputs
        self.inputData = inputData
        self.miniBatchSize = miniBatchSize
        self.partitionKeys = partitionKeys
        self.instanceCount = instanceCount
        self.instanceType = instanceType
        self.maxConcurrencyPerInstance = maxConcurrencyPerInstance
        self.miniBatchErrorThreshold = miniBatchErrorThreshold
        self.errorThreshold = errorThreshold
        self.maxRetries = maxRetries
        self.retryTimeout = retryTimeout
        self.loggingLevel = loggingLevel
        self.environmentVariables = environmentVariables
        self.compute = compute
        self.code = code
        self.entryScript = entryScript
        self.environment = environment
        self.programArguments = programArguments
        self.appendRowTo = appendRowTo
    }
}

/// One step of a pipeline.
public struct PipelineStep: Sendable, Hashable, Codable {
    /// What the step runs.
    public enum Body: Sendable, Hashable, Codable {
        case command(CommandTask)
        case parallel(ParallelTask)
        /// A step type mlgitops records and submits but cannot run locally (sweep, spark,
        /// automl, a pipeline component, ...): its type and the canonical JSON of its body.
        case other(type: String, canonicalJSON: String)
    }
    /// The step's key under `jobs:`.
    public var name: String
    public var body: Body
    /// The component file it was loaded from, when `component: ./file.yml`.
    public var componentFile: String?
    /// Steps whose outputs this one binds (`${{parent.jobs.X.outputs.y}}`), sorted.
    public var dependsOn: [String]

    public init(name: String, body: Body, componentFile: String? = nil, dependsOn: [String] = []) {
        self.name = name
        self.body = body
        self.componentFile = componentFile
        self.dependsOn = dependsOn
    }
}

/// A pipeline: named steps ordered by their bindings.
public struct Pipeline: Sendable, Hashable, Codable {
    public var defaultCompute: ComputeTarget
    public var continueOnStepFailure: Bool
    public var forceRerun: Bool
    public var inputs: [String: JobInput]
    public var outputs: [String: JobOutput]
    /// In the order written in the file.
    public var steps: [PipelineStep]

    public init(
        defaultCompute: ComputeTarget, continueOnStepFailure: Bool, forceRerun: Bool = false,
        inputs: [String: JobInput], outputs: [String: JobOutput], steps: [PipelineStep]
    ) {
        self.defaultCompute = defaultCompute
        self.continueOnStepFailure = continueOnStepFailure
        self.forceRerun = forceRerun
        self.inputs = inputs
        self.outputs = outputs
        self.steps = steps
    }
}

/// What a job is.
public enum JobSpec: Sendable, Hashable, Codable {
    case command(CommandTask)
    case pipeline(Pipeline)
}

/// A job (command or pipeline): submitted once per distinct definition, never twice.
public struct Job: Sendable, Hashable, Codable {
    /// The logical name: the YAML's `name`, else the file's name without extension.
    public var name: String
    public var displayName: String?
    public var experimentName: String?
    public var description: String?
    public var tags: [String: String]
    public var spec: JobSpec
    public var hash: JobDefinitionHash
    /// Names of environments of this repository that the job uses (its plan dependencies).
    public var environmentDependencies: [String]
    /// Names of clusters the job runs on (its plan dependencies).
    public var clusterDependencies: [String]
    public var source: SourceLocation

    public init(
        name: String, displayName: String? = nil, experimentName: String? = nil, description: String? = nil,
        tags: [String: String] = [:], spec: JobSpec, hash: JobDefinitionHash, environmentDependencies: [String],
        clusterDependencies: [String], source: SourceLocation
    ) {
        self.name = name
        self.displayName = displayName
        self.experimentName = experimentName
        self.description = description
        self.tags = tags
        self.spec = spec
        self.hash = hash
        self.environmentDependencies = environmentDependencies
        self.clusterDependencies = clusterDependencies
        self.source = source
    }

    /// The name a submission gets: the logical name and the definition hash, so a retried
    /// submission finds the earlier one instead of making a second.
    public var submissionName: String { "\(name)-\(hash.short)" }
}
