/// What a YAML file is, decided from its `$schema` URL, then its `type`, then its shape (the
/// order the Azure ML CLI uses to pick a loader).
enum ManifestKind: Equatable, Sendable {
    case cluster
    /// A compute mlgitops does not manage (compute instance, attached VM, Kubernetes, Synapse).
    case otherCompute(String)
    case environment
    case commandJob
    case pipelineJob
    /// `jobs:` without `type: pipeline`: the SDK would load it as a command job and fail.
    case untypedPipeline
    case standaloneParallel
    case schedule
    case quotaPolicy
    case resourceLock
    case condaSpecification
    /// A component file (`commandComponent`, `parallelComponent`, ... `$schema`).
    case component(String)
    /// Another Azure ML kind mlgitops does not reconcile (data, model, endpoint, ...).
    case otherAzureML(String)
    /// Not a mapping at all.
    case notAMapping
    case unrecognised
}

enum ManifestClassifier {
    /// `$schema` file names (lowercased, without `.schema.json`) and what they mean.
    private static let schemaKinds: [String: ManifestKind] = [
        "amlcompute": .cluster,
        "computeinstance": .otherCompute("computeinstance"), "vmcompute": .otherCompute("virtualmachine"),
        "kubernetescompute": .otherCompute("kubernetes"), "synapsesparkcompute": .otherCompute("synapsespark"),
        "environment": .environment,
        "commandjob": .commandJob, "pipelinejob": .pipelineJob, "paralleljob": .standaloneParallel,
        "sweepjob": .otherAzureML("sweep job"), "sparkjob": .otherAzureML("spark job"),
        "automljob": .otherAzureML("automl job"), "importjob": .otherAzureML("import job"),
        "commandcomponent": .component("command"), "parallelcomponent": .component("parallel"),
        "pipelinecomponent": .component("pipeline"), "sparkcomponent": .component("spark"),
        "datatransfercomponent": .component("data_transfer"),
        "schedule": .schedule,
        "data": .otherAzureML("data asset"), "model": .otherAzureML("model"),
        "managedonlineendpoint": .otherAzureML("online endpoint"),
        "kubernetesonlineendpoint": .otherAzureML("online endpoint"),
        "managedonlinedeployment": .otherAzureML("online deployment"),
        "kubernetesonlinedeployment": .otherAzureML("online deployment"),
        "batchendpoint": .otherAzureML("batch endpoint"), "batchdeployment": .otherAzureML("batch deployment"),
        "modelbatchdeployment": .otherAzureML("batch deployment"),
        "pipelinecomponentbatchdeployment": .otherAzureML("batch deployment"),
        "azureblob": .otherAzureML("datastore"), "azurefile": .otherAzureML("datastore"),
        "azuredatalakegen1": .otherAzureML("datastore"), "azuredatalakegen2": .otherAzureML("datastore"),
        "workspace": .otherAzureML("workspace"), "registry": .otherAzureML("registry"),
        "connection": .otherAzureML("connection"), "modelversionpackage": .otherAzureML("model package"),
        "flow": .otherAzureML("promptflow flow"), "run": .otherAzureML("promptflow run"),
        "dataimport": .otherAzureML("data import"), "featureset": .otherAzureML("feature set"),
        "featurestore": .otherAzureML("feature store"), "featurestoreentity": .otherAzureML("feature store entity"),
        "marketplacesubscription": .otherAzureML("marketplace subscription"),
        "serverlessendpoint": .otherAzureML("serverless endpoint"),
        "capabilityhost": .otherAzureML("capability host"), "index": .otherAzureML("index"),
    ]

    private static let computeTypes: Set<String> = ["computeinstance", "virtualmachine", "kubernetes", "synapsespark"]
    private static let otherJobTypes: Set<String> = [
        "sweep", "spark", "automl", "import", "finetuning", "distillation", "data_transfer",
    ]

    static func schemaKey(_ url: String) -> String {
        var name = RepositoryPath.name(of: url.trimmingSpaces).lowercased()
        for suffix in [".schema.json", ".json"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        return name
    }

    static func classify(_ root: YAMLNode) -> ManifestKind {
        guard root.entries != nil else { return .notAMapping }
        let type = root["type"]?.text?.lowercased() ?? ""
        if let schema = root["$schema"]?.text, !schema.isEmpty {
            let key = schemaKey(schema)
            if let kind = schemaKinds[key] {
                // A job $schema with another `type` follows the type (the SDK picks by type).
                if kind == .commandJob || kind == .pipelineJob, !type.isEmpty { return classifyJob(type: type) ?? kind }
                if kind == .schedule, !root.has("create_job") { return .otherAzureML("schedule (monitor or data import)") }
                return kind
            }
        }
        switch type {
        case "quota_policy": return .quotaPolicy
        case "resource_lock": return .resourceLock
        case "amlcompute": return .cluster
        default: break
        }
        if root.has("kind"), !root.has("type") { return .unrecognised }
        if computeTypes.contains(type) { return .otherCompute(type) }
        if root.has("trigger") {
            if root.has("create_job") { return .schedule }
            if root.has("create_monitor") || root.has("import_data") { return .otherAzureML("schedule (monitor or data import)") }
        }
        if let job = classifyJob(type: type) { return job }
        if type.isEmpty {
            if root.has("jobs") { return .untypedPipeline }
            if root.has("command") { return .commandJob }
            if root.has("dependencies") || root.has("channels") {
                let condaKeys: Set<String> = ["name", "channels", "dependencies", "variables", "prefix"]
                if root.entries!.allSatisfy({ condaKeys.contains($0.key) }) { return .condaSpecification }
            }
            if root.has("image") || root.has("build") { return .environment }
        }
        return .unrecognised
    }

    private static func classifyJob(type: String) -> ManifestKind? {
        switch type {
        case "command": .commandJob
        case "pipeline": .pipelineJob
        case "parallel": .standaloneParallel
        case let other where otherJobTypes.contains(other): .otherAzureML("\(other) job")
        default: nil
        }
    }
}
