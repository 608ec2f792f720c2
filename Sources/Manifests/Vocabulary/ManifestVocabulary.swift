/// The keys each manifest kind accepts, as the Azure ML SDK (azure-ai-ml 1.35.2) and our own
/// kinds define them. Everything else is an "unknown field" error, except inside the places
/// where the SDK passes unknown keys through (pipeline `settings`, nodes that name a component,
/// parallel `task` and `retry_settings`, component files).
public enum ManifestVocabulary {
    /// The accepted top-level keys of a kind: `compute`, `environment`, `command`, `pipeline`,
    /// `schedule`, `quota_policy` or `resource_lock` (empty for anything else).
    public static func topLevelKeys(of kind: String) -> Set<String> {
        switch kind {
        case "compute": compute
        case "environment": environment
        case "command": commandJob
        case "pipeline": pipelineJob
        case "schedule": schedule
        case "quota_policy": quotaPolicy
        case "resource_lock": resourceLock
        default: []
        }
    }

    // MARK: Compute

    static let compute: Set<String> = [
        "$schema", "name", "type", "location", "description", "resource_id", "tags", "size", "tier", "min_instances",
        "max_instances", "idle_time_before_scale_down", "ssh_public_access_enabled", "ssh_settings", "network_settings",
        "identity", "enable_node_public_ip",
        // Read-only fields that `az ml compute show` prints: the SDK drops them on load.
        "id", "provisioning_state", "provisioning_errors", "created_on",
    ]
    static let sshSettings: Set<String> = ["admin_username", "admin_password", "ssh_key_value"]
    static let networkSettings: Set<String> = ["vnet_name", "subnet", "public_ip_address", "private_ip_address"]
    static let computeIdentity: Set<String> = ["type", "user_assigned_identities"]
    static let userAssignedIdentity: Set<String> = ["resource_id"]
    static let computeIdentityTypes = ["system_assigned", "user_assigned", "none", "system_assigned,user_assigned"]

    // MARK: Environment

    static let environment: Set<String> = [
        "$schema", "name", "id", "description", "tags", "version", "auto_delete_setting", "build", "image", "conda_file",
        "inference_config", "os_type", "datastore",
        // Read-only fields that `az ml environment show` prints: the SDK drops them on load.
        "creation_context", "intellectual_property", "latest_version",
    ]
    /// An inline environment inside a job (the same fields; name and version are optional).
    static let inlineEnvironment: Set<String> = environment
    static let build: Set<String> = ["path", "dockerfile_path"]
    static let inferenceConfig: Set<String> = ["liveness_route", "readiness_route", "scoring_route"]
    static let route: Set<String> = ["port", "path"]

    // MARK: Jobs

    /// Keys every job has (`BaseJobSchema`).
    static let baseJob: Set<String> = Set([
        "$schema", "name", "description", "tags", "services", "display_name", "experiment_name", "properties", "compute",
        "identity", "type",
    ]).union(jobReadOnly)
    /// Read-only fields that `az ml job show` prints: the SDK drops them on load, and they are
    /// never part of a definition hash.
    static let jobReadOnly: Set<String> = ["id", "creation_context", "status", "log_files"]
    static let commandJob: Set<String> = baseJob.union([
        "command", "code", "environment", "environment_variables", "resources", "distribution", "queue_settings",
        "limits", "inputs", "outputs", "parent_job_name", "parameters",
    ])
    static let pipelineJob: Set<String> = baseJob.union(["settings", "inputs", "outputs", "jobs", "component"])
    /// An inline command step of a pipeline (`PipelineCommandJobSchema`).
    static let commandStep: Set<String> = commandJob
    /// An inline parallel step of a pipeline (`PipelineParallelJobSchema`).
    static let parallelStep: Set<String> = [
        "$schema", "type", "name", "display_name", "description", "tags", "experiment_name", "compute", "identity",
        "properties", "comment", "inputs", "outputs", "input_data", "mini_batch_size", "partition_keys", "resources",
        "retry_settings", "max_concurrency_per_instance", "error_threshold", "mini_batch_error_threshold",
        "logging_level", "environment_variables", "task", "environment",
    ]
    /// An AutoML step: the union of every task's fields (the SDK fails on anything else).
    static let automlStep: Set<String> = [
        "$schema", "compute", "cv_split_column_names", "description", "display_name", "environment_id",
        "environment_variables", "experiment_name", "featurization", "forecasting", "identity", "limits", "log_verbosity",
        "n_cross_validations", "name", "outputs", "positive_label", "primary_metric", "properties", "queue_settings",
        "resources", "search_space", "services", "sweep", "tags", "target_column_name", "task", "test_data",
        "test_data_size", "training", "training_data", "training_parameters", "type", "validation_data",
        "validation_data_size", "weight_column_name",
    ]
    static let parallelTask: Set<String> = [
        "type", "code", "entry_script", "program_arguments", "model", "append_row_to", "environment",
    ]
    static let retrySettings: Set<String> = ["max_retries", "timeout"]
    static let resources: Set<String> = [
        "instance_count", "instance_type", "properties", "locations", "shm_size", "max_instance_count", "docker_args",
    ]
    static let limits: Set<String> = ["timeout"]
    static let queueSettings: Set<String> = ["job_tier", "priority"]
    static let jobTiers = ["null", "spot", "basic", "standard", "premium"]
    static let priorities = ["low", "medium", "high"]
    static let distributionTypes = ["pytorch", "tensorflow", "mpi", "ray"]
    static let distribution: [String: Set<String>] = [
        "pytorch": ["type", "process_count_per_instance"],
        "mpi": ["type", "process_count_per_instance"],
        "tensorflow": ["type", "parameter_server_count", "worker_count"],
        "ray": ["type", "port", "address", "include_dashboard", "dashboard_port", "head_node_additional_args",
                "worker_node_additional_args"],
    ]
    static let jobIdentityTypes = ["managed", "managed_identity", "aml_token", "user_identity"]
    static let jobIdentity: Set<String> = ["type", "client_id", "object_id", "msi_resource_id"]
    static let service: Set<String> = ["type", "port", "nodes", "properties", "ssh_public_keys", "log_dir"]
    static let pipelineSettings: Set<String> = ["default_compute", "default_datastore", "continue_on_step_failure", "force_rerun"]

    /// Step types a pipeline may hold.
    static let stepTypes = ["command", "parallel", "sweep", "pipeline", "spark", "automl", "import", "data_transfer"]

    // MARK: Inputs and outputs

    static let dataInputTypes = ["uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model"]
    static let dataInput: Set<String> = ["type", "path", "mode", "datastore", "path_on_compute"]
    static let inputModes: [String: [String]] = [
        "uri_file": ["download", "ro_mount", "direct"], "uri_folder": ["download", "ro_mount", "direct"],
        "mltable": ["download", "ro_mount", "eval_mount", "eval_download", "direct"],
        "custom_model": ["download", "ro_mount", "direct"], "mlflow_model": ["download", "ro_mount", "direct"],
        "triton_model": ["download", "ro_mount", "direct"],
    ]
    static let output: Set<String> = ["type", "path", "mode", "name", "version"]
    static let outputModes = ["mount", "upload", "rw_mount", "direct"]

    // MARK: Component ports (case-sensitive types and modes)

    static let parameterTypes = ["boolean", "integer", "number", "string"]
    static let portTypes = ["path", "custom_model", "mlflow_model", "mltable", "triton_model", "uri_file", "uri_folder"]
    static let portModes = ["direct", "download", "eval_download", "eval_mount", "mount", "ro_mount", "rw_mount", "upload", "link"]
    static let parameterInput: Set<String> = ["type", "optional", "default", "description", "max", "min", "enum"]
    static let portInput: Set<String> = ["type", "description", "optional", "default", "mode"]
    static let portOutput: Set<String> = ["type", "description", "mode"]

    // MARK: Schedules

    static let schedule: Set<String> = [
        "$schema", "name", "id", "display_name", "description", "tags", "properties", "trigger", "create_job",
        // Read-only fields that `az ml schedule show` prints: the SDK drops them on load.
        "creation_context", "is_enabled", "provisioning_state",
    ]
    static let cronTrigger: Set<String> = ["type", "expression", "start_time", "end_time", "time_zone"]
    static let recurrenceTrigger: Set<String> = ["type", "frequency", "interval", "schedule", "start_time", "end_time", "time_zone"]
    static let recurrencePattern: Set<String> = ["hours", "minutes", "week_days", "month_days"]
    static let frequencies = ["minute", "hour", "day", "week", "month"]
    static let weekDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    /// `create_job` as a mapping: a job reference plus the fields it overrides.
    static let createJob: Set<String> = pipelineJob.union(commandJob).union(["job"]).subtracting(["$schema", "jobs", "component"])

    // MARK: Our own kinds

    static let quotaPolicy: Set<String> = [
        "$schema", "type", "name", "location", "scope", "max_nodes_per_cluster", "limits", "default_family_cores",
    ]
    static let quotaLimits: Set<String> = ["total_dedicated_cores", "total_low_priority_cores", "families", "default_family_cores"]
    static let quotaFamily: Set<String> = ["family", "dedicated_cores", "low_priority_cores"]
    static let resourceLock: Set<String> = ["$schema", "type", "name", "level", "scope", "notes"]
}
