#!/usr/bin/env python3
"""Writes the JSON Schemas in this folder (the *.schema.json files are generated: edit this).

Each schema is self-contained (its own `$defs`, no reference to another file), so an editor
can use it from a local path without fetching anything. The rules mirror what the azure-ai-ml
SDK 1.35.2 accepts when it loads a file (docs/schemas.md explains each choice):

- unknown keys are errors wherever the SDK's marshmallow schema raises on them, and allowed
  where it passes them through (pipeline `settings`, parallel `task` / `retry_settings`,
  pipeline steps that use a `component:` or are not command/parallel steps);
- enums are case-insensitive like the SDK's (it lowercases before comparing), written as
  portable character-class patterns such as `^(?:[dD][eE][dD]...)$`; parallel
  `logging_level` is case-sensitive, and the identity types (which the SDK converts from
  camelCase) list their accepted spellings;
- integers accept what marshmallow's Integer accepts (numbers, and numeric strings such as
  "4"), booleans what its Boolean accepts (true/false, yes/no, on/off, 1/0 ...);
- null is rejected except where the SDK allows it (job tag values, outputs).

Usage: python3 schemas/generate.py          write the files
       python3 schemas/generate.py --check  exit 1 if a committed file differs
"""

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE_ID = "https://mlgitops.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


# ----------------------------------------------------------------------------------------------
# Building blocks
# ----------------------------------------------------------------------------------------------
def ci_pattern(*values):
    """A portable case-insensitive pattern: one [xX] class per letter, no inline flags."""
    def word(value):
        out = []
        for ch in value:
            if ch.isalpha():
                out.append(f"[{ch.lower()}{ch.upper()}]")
            else:
                out.append(re.escape(ch))
        return "".join(out)
    return "^(?:" + "|".join(word(v) for v in values) + ")$"


def ci_enum(description, *values):
    """A string enum compared case-insensitively, as the SDK's StringTransformedEnum does."""
    listed = ", ".join(f"`{v}`" for v in values)
    return {
        "type": "string",
        "description": f"{description} One of {listed} (any letter case).",
        "pattern": ci_pattern(*values),
        "examples": list(values),
    }


def camel_enum(description, *values, also=()):
    """An enum the SDK converts with camel_to_snake: snake_case, SNAKE_CASE, PascalCase, camelCase
    (and the service's own spellings given in `also`, such as AMLToken)."""
    spellings = []
    for value in values:
        parts = [p.strip() for p in value.split(",")]
        forms = [
            ",".join(parts),
            ",".join(p.upper() for p in parts),
            ",".join("".join(w.capitalize() for w in p.split("_")) for p in parts),
            ", ".join("".join(w.capitalize() for w in p.split("_")) for p in parts),
            ",".join(p.split("_")[0] + "".join(w.capitalize() for w in p.split("_")[1:]) for p in parts),
        ]
        for form in forms:
            if form not in spellings:
                spellings.append(form)
    spellings += [form for form in also if form not in spellings]
    listed = ", ".join(f"`{v}`" for v in values)
    return {"type": "string", "description": f"{description} One of {listed} (also in PascalCase or upper case).",
            "enum": spellings}


def string(description, **extra):
    return {"type": "string", "description": description, **extra}


def ref(name, description=None):
    schema = {"$ref": f"#/$defs/{name}"}
    if description:
        schema["description"] = description
    return schema


def integer(description, **extra):
    """marshmallow Integer: a number (a fraction is truncated) or a numeric string such as "4"."""
    return {"description": description, **ref("integer"), **extra}


def boolean(description):
    return {"description": description, **ref("boolean")}


def obj(description, properties, required=(), additional=False, **extra):
    schema = {"type": "object", "description": description, "properties": properties}
    if required:
        schema["required"] = list(required)
    schema["additionalProperties"] = additional
    schema.update(extra)
    return schema


def bindable(schema):
    """In a pipeline step every field may also be a `${{...}}` data binding."""
    return {"description": schema.get("description", ""),
            "anyOf": [{k: v for k, v in schema.items() if k != "description"}, ref("binding")]}


def str_map(description, nullable=False, any_values=False):
    if any_values:
        values = {}
    elif nullable:
        values = {"type": ["string", "null"]}
    else:
        values = {"type": "string"}
    return {"type": "object", "description": description, "additionalProperties": values}


READ_ONLY = "Read-only, set by the service: ignored when the file is loaded."


def read_only(description="Read-only, set by the service: ignored when the file is loaded."):
    return {"description": description, "readOnly": True}


SCHEMA_KEY = {"$schema": string(
    "The JSON Schema this file follows, for editors. Not sent to the service "
    "(e.g. https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json).")}


# ----------------------------------------------------------------------------------------------
# Shared definitions (each schema copies the ones it uses)
# ----------------------------------------------------------------------------------------------
DEFS = {}

DEFS["integer"] = {
    "description": "An integer. Like the SDK, a number or a numeric string (\"4\") is accepted.",
    "anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\s*[+-]?[0-9]+\s*$"}],
}
_TRUTHY_FALSY = sorted({"t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1",
                        "f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0"})
DEFS["boolean"] = {
    "description": "true or false. Like the SDK, also yes/no, on/off, y/n, t/f and 1/0.",
    "anyOf": [{"type": "boolean"}, {"enum": [0, 1]}, {"type": "string", "enum": _TRUTHY_FALSY}],
}
DEFS["binding"] = {
    "type": "string",
    "description": "A data binding such as ${{parent.inputs.x}} or ${{parent.jobs.step.outputs.y}}.",
    "pattern": r"\$\{\{\s*\S*?\s*\}\}",
}
DEFS["version"] = {
    "description": "An asset version; numbers are turned into text (1 becomes \"1\").",
    "type": ["string", "number", "boolean"],
}

# --- compute -------------------------------------------------------------------------------
DEFS["compute-identity"] = obj(
    "The cluster's managed identity: one system-assigned identity, or user-assigned ones.",
    {
        "type": camel_enum("The identity kind.", "system_assigned", "user_assigned", "none",
                           "system_assigned,user_assigned"),
        "user_assigned_identities": {
            "type": "array",
            "description": "The user-assigned identities (with type user_assigned).",
            "items": obj("One user-assigned identity.", {
                "resource_id": string("The identity's ARM resource id."),
                "principal_id": read_only(), "client_id": read_only(), "tenant_id": read_only(),
            }),
        },
        "principal_id": read_only(), "tenant_id": read_only(),
    })

# --- environment ---------------------------------------------------------------------------
_ROUTE = obj("An HTTP route of an inference server.", {
    "port": integer("The port."),
    "path": string("The path, e.g. /score."),
}, required=("port", "path"))


def environment_properties(named):
    props = dict(SCHEMA_KEY)
    props["name"] = string(
        "The environment's name. Names starting with AzureML or Microsoft are reserved." if named else
        "Ignored: an environment written inside a job is anonymous (the SDK warns and drops the name).")
    props["version"] = ({"description": "A fixed version (versions are immutable). Omit it to get the next "
                                        "version whenever the definition changes.", **ref("version")}
                        if named else {"description": "Ignored: an inline environment is anonymous.", **ref("version")})
    props.update({
        "description": string("What the environment is for."),
        "tags": str_map("Tags: key-value pairs.", any_values=True),
        "image": string("The base Docker image, e.g. mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1. "
                        "Pin a dated tag: `latest` can move underneath. Exactly one of image and build."),
        "build": obj("A Docker build context (instead of image).", {
            "path": string("The build context: a folder relative to this file, or an http(s) URL."),
            "dockerfile_path": string("The Dockerfile, relative to the context root (default Dockerfile)."),
        }),
        "conda_file": {"description": "A conda specification: a path to a conda YAML file (relative to this file) "
                                      "or the specification written inline.",
                       "type": ["string", "object", "array", "number", "boolean"]},
        "os_type": ci_enum("The operating system of the image.", "linux", "windows"),
        "inference_config": obj("Routes of an inference server image (all three are required).", {
            "liveness_route": {**_ROUTE, "description": "The liveness route."},
            "readiness_route": {**_ROUTE, "description": "The readiness route."},
            "scoring_route": {**_ROUTE, "description": "The scoring route."},
        }, required=("liveness_route", "readiness_route", "scoring_route")),
        "datastore": string("The datastore a local build context is uploaded to (default: the workspace's)."),
        "auto_delete_setting": {"type": "object", "description": "Experimental: when the service may delete this "
                                                                 "version (condition and value)."},
        "id": read_only(), "creation_context": read_only(), "latest_version": read_only(),
        "intellectual_property": read_only(),
    })
    return props


NOT_CONDA = {"description": "channels and dependencies belong in the conda file (conda_file), not in the "
                             "environment.",
             "anyOf": [{"required": ["channels"]}, {"required": ["dependencies"]}]}
DEFS["inline-environment"] = obj(
    "An environment written inside the job: anonymous, registered under a hash of its content.",
    environment_properties(named=False),
    **{"not": NOT_CONDA})
DEFS["environment-ref"] = {
    "description": "The environment: azureml:<name>:<version>, azureml:<name>@latest, a registry path "
                   "(azureml://registries/...), or an environment written inline.",
    "anyOf": [{"type": "string"}, ref("inline-environment")],
}

# --- job inputs and outputs ----------------------------------------------------------------
_INPUT_COMMON = {
    "path": string("Where the data is: a local path (relative to this file), azureml://, https://, wasbs:// "
                   "or a data asset (azureml:<name>:<version>); in a pipeline step also a binding."),
    "datastore": string("The datastore local paths are uploaded to."),
}
_ON_COMPUTE = {"path_on_compute": string("Where the data appears on the compute (file:...).")}


def input_objects(binding):
    wrap = bindable if binding else (lambda s: s)

    def data_input(desc, types, modes, extra):
        props = {
            "type": wrap(ci_enum("The input type.", *types)),
            "mode": wrap(ci_enum("How the data reaches the job.", *modes)),
            **{k: wrap(v) for k, v in _INPUT_COMMON.items()},
            **{k: wrap(v) for k, v in extra.items()},
        }
        return obj(desc, props)

    return [
        data_input("A file or folder input.", ("uri_file", "uri_folder"), ("download", "ro_mount", "direct"),
                   _ON_COMPUTE),
        data_input("An MLTable input.", ("mltable",), ("download", "ro_mount", "eval_mount", "eval_download", "direct"),
                   _ON_COMPUTE),
        data_input("A model input.", ("custom_model", "mlflow_model", "triton_model"),
                   ("download", "ro_mount", "direct"), {}),
        obj("A literal input written as {value: ...}.", {
            "value": {"description": "The literal value.", "type": ["string", "number", "boolean"]}}),
    ]


DEFS["input"] = {
    "description": "A job input: a literal (number, text, boolean, binding) or a data input object.",
    "anyOf": [{"type": ["string", "number", "boolean"]}] + input_objects(binding=False),
}
DEFS["pipeline-input"] = {
    "description": "A pipeline input: a literal (number, text, boolean) or a data input object whose fields "
                   "may also be bindings.",
    "anyOf": [{"type": ["string", "number", "boolean"]}] + input_objects(binding=True),
}
DEFS["output"] = {
    "description": "A job output (empty for the defaults).",
    "anyOf": [{"type": "null"}, obj("A job output.", {
        "type": ci_enum("The output type.", "uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model",
                        "triton_model"),
        "mode": ci_enum("How the job writes it.", "mount", "upload", "rw_mount", "direct"),
        "path": string("Where to write it, e.g. azureml://datastores/<store>/paths/<path>."),
        "name": string("Register the output as a data asset with this name."),
        "version": {"description": "The version of the registered data asset.", **ref("version")},
    })],
}
DEFS["step-output"] = {
    "description": "A step output: an output object, empty, or a binding to a pipeline output "
                   "(${{parent.outputs.x}}).",
    "anyOf": [ref("output"), {"type": "string"}],
}
DEFS["inputs"] = {"type": "object", "description": "Named inputs.", "additionalProperties": ref("input")}
DEFS["outputs"] = {"type": "object", "description": "Named outputs.", "additionalProperties": ref("output")}

# --- job settings --------------------------------------------------------------------------
DEFS["resources"] = obj("The compute resources of the job.", {
    "instance_count": integer("Number of nodes (default 1)."),
    "instance_type": string("The VM size on serverless compute, or the instance type on Kubernetes."),
    "properties": {"type": "object", "description": "Extra resource properties."},
    "locations": {"type": "array", "items": {"type": "string"}, "description": "Locations the job may run in."},
    "shm_size": string("Shared memory of the Docker container, <number><b|k|m|g>, e.g. 2g."),
    "max_instance_count": integer("The maximum number of nodes (elastic training)."),
    "docker_args": {"description": "Extra arguments of docker run, as one string or a list.",
                    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
})
DEFS["distribution"] = {
    "description": "Distributed training: pytorch, tensorflow, mpi or ray.",
    "anyOf": [
        obj("PyTorch distribution.", {"type": ci_enum("The distribution.", "pytorch"),
                                      "process_count_per_instance": integer("Processes per node.")},
            required=("type",)),
        obj("TensorFlow distribution.", {"type": ci_enum("The distribution.", "tensorflow"),
                                         "worker_count": integer("Workers."),
                                         "parameter_server_count": integer("Parameter servers.")},
            required=("type",)),
        obj("MPI distribution.", {"type": ci_enum("The distribution.", "mpi"),
                                  "process_count_per_instance": integer("Processes per node.")},
            required=("type",)),
        obj("Ray distribution (experimental).", {
            "type": ci_enum("The distribution.", "ray"), "port": integer("The head node's port."),
            "address": string("The head node's address."), "include_dashboard": boolean("Start the dashboard."),
            "dashboard_port": integer("The dashboard's port."),
            "head_node_additional_args": string("Extra arguments of the head node."),
            "worker_node_additional_args": string("Extra arguments of worker nodes.")}, required=("type",)),
    ],
}
DEFS["limits"] = obj("Job limits.", {"timeout": integer("Maximum run time in seconds.")})
DEFS["queue_settings"] = obj("Queueing of the job (serverless and Kubernetes).", {
    "job_tier": ci_enum("The tier: spot runs on low-priority capacity, standard on dedicated.",
                        "spot", "basic", "standard", "premium", "null"),
    "priority": ci_enum("The job's priority in the queue.", "low", "medium", "high"),
})
DEFS["job-identity"] = {
    "description": "The identity the job runs as.",
    "anyOf": [
        obj("A managed identity.", {
            "type": camel_enum("The identity kind.", "managed", "managed_identity"),
            "client_id": string("The client id of a user-assigned identity."),
            "object_id": string("The object id of a user-assigned identity."),
            "msi_resource_id": string("The resource id of a user-assigned identity.")}, required=("type",)),
        obj("The AML token of the workspace.", {"type": camel_enum("The identity kind.", "aml_token", also=("AMLToken",))},
            required=("type",)),
        obj("The identity of the submitting user.", {"type": camel_enum("The identity kind.", "user_identity")},
            required=("type",)),
    ],
}
DEFS["services"] = {
    "type": "object",
    "description": "Interactive services on the job's nodes (ssh, jupyter_lab, tensor_board, vs_code, custom).",
    "additionalProperties": obj("One service.", {
        "type": string("The service: ssh, jupyter_lab, tensor_board, vs_code or a custom type."),
        "port": integer("The port."),
        "nodes": string("Which nodes run it, e.g. all."),
        "properties": {"type": "object", "description": "Service properties."},
        "log_dir": string("TensorBoard's log folder."),
        "ssh_public_keys": string("Public keys that may connect over ssh."),
        "endpoint": read_only(), "status": read_only(), "error_message": read_only(),
    }),
}


def base_job_properties():
    props = dict(SCHEMA_KEY)
    props.update({
        "name": string("The job's name (unique in the workspace). mlgitops uses it as the logical name and "
                       "submits as <name>-<definition hash>."),
        "display_name": string("The name shown in the studio."),
        "experiment_name": string("The experiment the job is filed under. Set it: the SDK's default is the "
                                  "name of the current working directory."),
        "description": string("What the job does."),
        "tags": str_map("Tags: key-value pairs (text values).", nullable=True),
        "properties": str_map("Job properties: key-value pairs (text values).", nullable=True),
        "compute": string("Where it runs: azureml:<cluster>, a cluster name, or local. Omit it for serverless."),
        "identity": ref("job-identity", "The identity the job runs as."),
        "services": ref("services", "Interactive services on the job's nodes."),
        "id": read_only(), "status": read_only(), "creation_context": read_only(), "log_files": read_only(),
    })
    return props


def command_properties(step):
    props = base_job_properties()
    props.update({
        "type": ci_enum("The job type.", "command") if step else {
            "const": "command", "description": "The job type: command (the default when type is absent)."},
        "command": string("The command to run; refers to inputs and outputs as ${{inputs.x}} and "
                          "${{outputs.y}}; optional arguments go in $[[ ... ]]."),
        "code": string("The code to upload: a folder or file relative to this file, an http(s) or git+ URL, or "
                       "a registered code asset (azureml:<name>:<version>)."),
        "environment": ref("environment-ref", "The environment the command runs in."),
        "environment_variables": {"description": "Environment variables of the process.",
                                  "anyOf": [{"type": "object"}, obj("A bound value.", {
                                      "value": {"description": "The value.",
                                                "type": ["string", "number", "boolean"]}})]},
        "resources": ref("resources", "The compute resources of the job."),
        "distribution": ref("distribution", "Distributed training settings."),
        "queue_settings": ref("queue_settings", "Queueing of the job."),
        "limits": ref("limits", "Job limits."),
        "inputs": ref("inputs", "Named inputs: literals or data."),
        "outputs": ({"type": "object", "description": "Named outputs.", "additionalProperties": ref("step-output")}
                    if step else ref("outputs", "Named outputs.")),
        "parent_job_name": string("The parent job, when this job is a child."),
        "parameters": read_only(),
    })
    return props


# --- pipeline steps ------------------------------------------------------------------------
NODE_TYPES = ("command", "import", "sweep", "parallel", "pipeline", "automl", "spark", "data_transfer")

DEFS["command-step"] = obj(
    "A command step written inline (no component:). Unknown keys are errors, as in the SDK.",
    command_properties(step=True), required=("command",))


def parallel_properties():
    props = base_job_properties()
    props.pop("id"); props.pop("status"); props.pop("creation_context"); props.pop("log_files")
    task = obj("What each mini-batch runs. Unknown keys pass through, as in the SDK.", {
        "type": ci_enum("The task kind.", "run_function", "model", "function"),
        "code": string("The folder with the entry script, relative to this file (or a code asset)."),
        "entry_script": string("The Python file that defines init(), run(mini_batch) and optionally shutdown()."),
        "program_arguments": string(
            "Arguments of the entry script; may use ${{inputs.x}} / ${{outputs.y}}. The runtime's own flags go "
            "here too: --allowed_failed_percent (0-100, default 100), --task_overhead_timeout (600), "
            "--progress_update_timeout, --first_task_creation_timeout (600), --resource_monitor_interval (600, "
            "0 = off), --copy_logs_to_parent."),
        "model": string("The model, for task type model."),
        "append_row_to": string("${{outputs.x}}: gathers every row that run() returns into that output."),
        "environment": ref("environment-ref", "The environment the entry script runs in."),
    }, required=("type", "environment"), additional=True)
    retry = obj("Retries of a failed or timed-out mini-batch. Unknown keys pass through, as in the SDK.", {
        "max_retries": {"description": "Retries per mini-batch (service default 2).",
                        "anyOf": [ref("integer"), ref("binding")]},
        "timeout": {"description": "Seconds one run() call may take, (0, 259200] (service default 60).",
                    "anyOf": [ref("integer"), ref("binding")]},
    }, additional=True)
    own = {
        "type": ci_enum("The step type.", "parallel"),
        "inputs": {"type": "object", "description": "Named inputs; the main input is split into mini-batches.",
                   "additionalProperties": ref("pipeline-input")},
        "outputs": {"type": "object", "description": "Named outputs.", "additionalProperties": ref("step-output")},
        "input_data": string("The main input, ${{inputs.<name>}}: split into mini-batches."),
        "mini_batch_size": string(
            "Mini-batch size, as text: a file count (\"10\") for file inputs, or a size (\"10kb\", \"5mb\", "
            "\"1gb\") for tabular inputs. A plain YAML number is rejected by the SDK: quote it.",
            pattern=r"^\d+([kKmMgG][bB])*$"),
        "partition_keys": {"type": "array", "items": {"type": "string"},
                           "description": "Columns whose values partition tabular data into mini-batches."},
        "resources": ref("resources", "The compute resources: resources.instance_count nodes (default 1)."),
        "max_concurrency_per_instance": integer(
            "Worker processes per node (default 1 on GPU, the core count on CPU)."),
        "error_threshold": integer("Item failures tolerated before the job fails; -1 ignores all (default -1)."),
        "mini_batch_error_threshold": integer(
            "Failed mini-batches tolerated; -1 ignores all (default -1). A mini-batch fails when run() raises or "
            "returns fewer rows than it got items."),
        "logging_level": {"type": "string", "enum": ["DEBUG", "INFO", "WARNING"],
                          "description": "Log level of the runtime: DEBUG, INFO or WARNING (case-sensitive, "
                                         "default INFO)."},
        "retry_settings": retry,
        "task": task,
        "environment_variables": {"description": "Environment variables of the workers (text values).",
                                  "anyOf": [str_map(""), obj("A bound value.", {
                                      "value": {"description": "The value.",
                                                "type": ["string", "number", "boolean"]}})]},
    }
    for key, value in own.items():
        props[key] = value if key in ("type", "inputs", "task", "retry_settings") else bindable(value)
    for key in ("name", "display_name", "experiment_name", "description", "tags", "properties", "compute",
                "identity", "services"):
        props[key] = bindable(props[key])
    return props


DEFS["parallel-step"] = obj(
    "A parallel step written inline (no component:): one main input split into mini-batches, each run by "
    "task.entry_script's run(). Unknown keys are errors, as in the SDK.", parallel_properties())

DEFS["step"] = {
    "type": "object",
    "description": "A pipeline step. Inline command and parallel steps are checked fully; steps that use a "
                   "component: and other step types (sweep, spark, automl, pipeline, import, data_transfer) "
                   "pass their keys through, as in the SDK.",
    "properties": {
        "type": ci_enum("The step type (default command).", *NODE_TYPES),
        "component": string("The component: a file (./component.yml, relative to this file), "
                            "azureml:<name>:<version> or azureml:<name>@latest."),
    },
    "allOf": [
        {"if": {"not": {"required": ["component"]},
                "anyOf": [{"not": {"required": ["type"]}},
                          {"properties": {"type": {"pattern": ci_pattern("command")}}}]},
         "then": ref("command-step")},
        {"if": {"not": {"required": ["component"]}, "required": ["type"],
                "properties": {"type": {"pattern": ci_pattern("parallel")}}},
         "then": ref("parallel-step")},
    ],
}


# ----------------------------------------------------------------------------------------------
# The schemas
# ----------------------------------------------------------------------------------------------
def document(file_name, title, description, body):
    schema = {"$schema": DRAFT, "$id": BASE_ID + file_name, "title": title, "description": description}
    schema.update(body)
    used = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                    name = value[len("#/$defs/"):]
                    if name not in used:
                        used.add(name)
                        walk(DEFS[name])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(body)
    if used:
        schema["$defs"] = {name: DEFS[name] for name in sorted(used)}
    return schema


def amlcompute():
    props = dict(SCHEMA_KEY)
    props.update({
        "name": string("The cluster's name, unique in the workspace (letters, digits and hyphens)."),
        "type": ci_enum("The compute type.", "amlcompute"),
        "description": string("What the cluster is for."),
        "location": string("The Azure region (default: the workspace's)."),
        "tags": str_map("Tags: key-value pairs (text values)."),
        "size": string("The VM size, e.g. Standard_DS3_v2 (SDK default STANDARD_DS3_V2). Fixed at creation."),
        "tier": ci_enum("The VM priority. Low-priority nodes are cheaper but can be pre-empted.",
                        "dedicated", "low_priority"),
        "min_instances": integer("Nodes kept running even when idle (default 0). Above 0 they cost money unused."),
        "max_instances": integer("The most nodes the cluster scales to (SDK default 4). Worst-case cores = "
                                 "max_instances x cores of the size; above 100 needs a special allowance."),
        "idle_time_before_scale_down": integer("Seconds an idle node waits before it is released (SDK default 120)."),
        "ssh_public_access_enabled": boolean("Whether the nodes' SSH port is open to the internet."),
        "ssh_settings": obj("SSH access to the nodes.", {
            "admin_username": string("The admin user."),
            "admin_password": string("The admin password (or use ssh_key_value)."),
            "ssh_key_value": string("The admin's SSH public key."),
        }),
        "network_settings": obj("The virtual network the nodes join.", {
            "vnet_name": string("The virtual network's name (in the workspace's resource group)."),
            "subnet": string("The subnet's name, or a subnet's full ARM id."),
            "public_ip_address": read_only(), "private_ip_address": read_only(),
        }),
        "enable_node_public_ip": boolean("Whether nodes get a public IP address (default true)."),
        "identity": ref("compute-identity", "The cluster's managed identity."),
        "resource_id": string("An existing resource's ARM id (attached compute only)."),
        "id": read_only(), "provisioning_state": read_only(), "provisioning_errors": read_only(),
        "created_on": read_only(),
    })
    return document(
        "amlcompute.schema.json", "Azure ML compute cluster (type: amlcompute)",
        "A compute cluster, as the Azure ML CLI v2 / azure-ai-ml SDK reads it. mlgitops creates missing clusters "
        "and reports changes of existing ones as drift (clusters are create-only).",
        {"type": "object", "properties": props, "required": ["name", "type"], "additionalProperties": False})


def environment():
    return document(
        "environment.schema.json", "Azure ML environment",
        "An environment: a base image (image) or a Docker build context (build), optionally with a conda "
        "specification. Its identity is a hash of that content, not its name or version.",
        {"type": "object", "properties": environment_properties(named=True), "required": ["name"],
         "additionalProperties": False,
         "not": NOT_CONDA})


def command_job():
    return document(
        "command-job.schema.json", "Azure ML command job (type: command)",
        "A command job: one command in an environment, on a cluster or serverless. type may be omitted.",
        {"type": "object", "properties": command_properties(step=False), "required": ["command", "environment"],
         "additionalProperties": False})


def pipeline_job():
    props = base_job_properties()
    props.update({
        "type": {"const": "pipeline", "description": "The job type: pipeline (lower case; without it the file "
                                                     "is read as a command job)."},
        "settings": obj("Pipeline settings. Unknown keys pass through, as in the SDK (so typos are not caught).", {
            "default_compute": string("Where steps without compute run: azureml:<cluster> or serverless "
                                      "(a bare cluster name is rejected).",
                                      pattern="^(?:azureml:.+|" + ci_pattern("serverless")[4:-2] + ")$"),
            "default_datastore": string("The default datastore: azureml:<datastore>.", pattern="^azureml:.+"),
            "continue_on_step_failure": boolean("Keep running independent steps when one fails."),
            "force_rerun": boolean("Rerun every step instead of reusing earlier results."),
        }, additional=True),
        "inputs": {"type": "object", "description": "Pipeline inputs, bound in steps as ${{parent.inputs.x}}.",
                   "additionalProperties": ref("pipeline-input")},
        "outputs": ref("outputs", "Pipeline outputs, bound in steps as ${{parent.outputs.x}}."),
        "jobs": {"type": "object",
                 "description": "The steps by name. Bindings ${{parent.jobs.<step>.outputs.<y>}} order them.",
                 "propertyNames": {"pattern": "^[a-z_][a-z0-9_]*$",
                                   "description": "A step name: lower-case letters, digits and underscores, "
                                                  "not starting with a digit."},
                 "additionalProperties": ref("step")},
        "component": string("A pipeline component (a file or azureml: reference) instead of jobs."),
    })
    return document(
        "pipeline-job.schema.json", "Azure ML pipeline job (type: pipeline)",
        "A pipeline job: named steps (command, parallel, ...) connected by data bindings.",
        {"type": "object", "properties": props, "required": ["type"], "additionalProperties": False,
         "not": {"description": "jobs and component are mutually exclusive.", "required": ["jobs", "component"]}})


def schedule():
    trigger_common = {
        "start_time": string("When the schedule starts (ISO 8601, e.g. 2025-01-01T00:00:00).",
                             pattern=r"^\d{4}-\d{2}-\d{2}"),
        "end_time": string("When the schedule ends (ISO 8601).", pattern=r"^\d{4}-\d{2}-\d{2}"),
        "time_zone": string("The time zone (default UTC); Windows names such as \"Pacific Standard Time\"."),
    }
    int_or_list = {"anyOf": [ref("integer"), {"type": "array", "items": ref("integer")}]}
    day = ci_enum("A week day.", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    cron = obj("A cron trigger.", {
        "type": ci_enum("The trigger kind.", "cron"),
        "expression": string("A five-field cron expression, e.g. \"30 1 * * *\" (01:30 every day)."),
        **trigger_common}, required=("type", "expression"))
    recurrence = obj("A recurrence trigger.", {
        "type": ci_enum("The trigger kind.", "recurrence"),
        "frequency": ci_enum("The unit of interval.", "minute", "hour", "day", "week", "month"),
        "interval": integer("Fire every interval units."),
        "schedule": obj("At which times within the period.", {
            "hours": {"description": "Hours of the day.", **int_or_list},
            "minutes": {"description": "Minutes of the hour.", **int_or_list},
            "week_days": {"description": "Week days.", "anyOf": [day, {"type": "array", "items": day}]},
            "month_days": {"description": "Days of the month.", **int_or_list},
        }, required=("hours", "minutes")),
        **trigger_common}, required=("type", "frequency", "interval"))
    props = dict(SCHEMA_KEY)
    props.update({
        "name": string("The schedule's name."),
        "display_name": string("The name shown in the studio."),
        "description": string("What the schedule does."),
        "tags": str_map("Tags: key-value pairs.", any_values=True),
        "properties": str_map("Properties: key-value pairs (text values).", nullable=True),
        "trigger": {"description": "When the schedule fires: cron or recurrence.", "anyOf": [cron, recurrence]},
        "create_job": {
            "description": "The job each trigger creates: a job file (relative to this file), azureml:<job>, or "
                           "{type, job, ...} whose keys override the referenced job's.",
            "anyOf": [{"type": "string"}, {
                "type": "object", "required": ["job"],
                "properties": {"type": ci_enum("The job type.", "pipeline", "command", "spark"),
                               "job": string("The job file or azureml:<job>.")}}],
        },
        "id": read_only(), "creation_context": read_only(), "is_enabled": read_only(),
        "provisioning_state": read_only(),
    })
    return document(
        "schedule.schema.json", "Azure ML job schedule",
        "A schedule that creates a job (usually a pipeline) on a cron or recurrence trigger.",
        {"type": "object", "properties": props, "required": ["name", "trigger", "create_job"],
         "additionalProperties": False})


def cores(description):
    return {"type": "integer", "minimum": 0, "description": description}


def quota_policy():
    props = dict(SCHEMA_KEY)
    props.update({
        "type": {"const": "quota_policy", "description": "An mlgitops quota policy."},
        "name": string("The policy's name."),
        "location": string("The Azure region it limits, e.g. westeurope."),
        "scope": {"type": "string", "enum": ["workspace", "subscription"],
                  "description": "Where the limits apply: workspace (default) or subscription."},
        "max_nodes_per_cluster": {"type": "integer", "minimum": 1, "description":
                                  "The largest max_instances a cluster may have (default 100; more needs this "
                                  "explicit allowance, and disables inter-node communication)."},
        "default_family_cores": cores("Cores allowed to a VM family with no entry in limits.families "
                                      "(absent: such families have no limit)."),
        "limits": obj("Core limits. A cluster's worst case is max_instances x cores of its size.", {
            "total_dedicated_cores": cores("All dedicated cores in the region."),
            "total_low_priority_cores": cores("All low-priority cores in the region."),
            "families": {"type": "array", "description": "Limits per VM family.", "items": obj(
                "The limits of one VM family.", {
                    "family": string("The VM family, e.g. standardDSv2Family or standardNCSv3Family."),
                    "dedicated_cores": cores("Dedicated cores of this family."),
                    "low_priority_cores": cores("Low-priority cores of this family."),
                }, required=("family",))},
        }),
    })
    return document(
        "quota-policy.schema.json", "mlgitops quota policy (type: quota_policy)",
        "Core quota per region and VM family that declared clusters and jobs must fit (an mlgitops kind).",
        {"type": "object", "properties": props, "required": ["type", "name", "location"],
         "additionalProperties": False})


def resource_lock():
    props = dict(SCHEMA_KEY)
    props.update({
        "type": {"const": "resource_lock", "description": "An mlgitops resource lock."},
        "name": string("The lock's name."),
        "level": {"type": "string", "enum": ["CanNotDelete", "ReadOnly"],
                  "description": "CanNotDelete blocks deletes; ReadOnly blocks every write (create, update, "
                                 "scale, delete)."},
        "scope": string("What it covers: resource_group, workspace, compute/<name> or environment/<name>. Prefer "
                        "single resources: a resource_group lock stops every cluster from scaling. Never a "
                        "cluster's own networking resources (*-azurebatch-cloudservice*).",
                        pattern=r"^(?!.*azurebatch-cloudservice)"
                                r"(?:resource_group|workspace|compute/[^/\s]+|environment/[^/\s]+)$"),
        "notes": string("Why the lock exists."),
    })
    return document(
        "resource-lock.schema.json", "mlgitops resource lock (type: resource_lock)",
        "A management lock on a scope; plans show every action it blocks (an mlgitops kind).",
        {"type": "object", "properties": props, "required": ["type", "name", "level", "scope"],
         "additionalProperties": False})


def conda():
    return document(
        "conda.schema.json", "Conda environment specification",
        "A conda environment file referenced by an environment's conda_file. Other keys pass through (the SDK "
        "sends the file as it is); the order of channels and dependencies is part of the environment's hash.",
        {"type": "object", "properties": {
            "name": string("The conda environment's name (not part of the environment's hash)."),
            "channels": {"type": "array", "items": {"type": "string"}, "description": "Conda channels, in order."},
            "dependencies": {"type": "array", "description": "Conda packages (python=3.10) and a pip: list.",
                             "items": {"anyOf": [{"type": "string"}, {"type": "object", "properties": {
                                 "pip": {"type": "array", "items": {"type": "string"},
                                         "description": "pip requirements, in order (pin them: ==)."}},
                                 "description": "The pip requirements."}]}},
            "prefix": string("An install prefix."),
            "variables": {"type": "object", "description": "Environment variables of the conda environment."},
        }, "additionalProperties": True})


SCHEMAS = {
    "amlcompute.schema.json": amlcompute,
    "environment.schema.json": environment,
    "command-job.schema.json": command_job,
    "pipeline-job.schema.json": pipeline_job,
    "schedule.schema.json": schedule,
    "quota-policy.schema.json": quota_policy,
    "resource-lock.schema.json": resource_lock,
    "conda.schema.json": conda,
}


def render(schema):
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv):
    check = "--check" in argv
    stale = []
    for file_name, build in SCHEMAS.items():
        text = render(build())
        path = HERE / file_name
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(file_name)
        else:
            path.write_text(text)
    if stale:
        print("out of date (run python3 schemas/generate.py): " + ", ".join(stale))
        return 1
    print("schemas up to date" if check else f"wrote {len(SCHEMAS)} schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
