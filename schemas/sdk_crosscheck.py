#!/usr/bin/env python3
"""Compares the schemas with the azure-ai-ml SDK on mutated copies of the example files.

For each mutation (a small edit of a base file: an unknown key, another letter case, a quoted
number, ...) it loads the edited copy with the SDK (offline, as shared/tools/sdk_oracle.py
does) and validates it with the schema, then prints both verdicts. A mutation the SDK accepts
but the schema rejects is a defect of the schema ("TIGHTER"); the opposite ("LOOSER") is a
known, documented gap (docs/schemas.md). Exit code 1 when any case is TIGHTER.

Needs a venv with azure-ai-ml 1.35.2 (it also has jsonschema and PyYAML):
    python3 -m venv /tmp/amlvenv2 && /tmp/amlvenv2/bin/pip install azure-ai-ml==1.35.2
    /tmp/amlvenv2/bin/python schemas/sdk_crosscheck.py [--verbose]
"""

import contextlib
import copy
import io
import logging
import os
import sys
from pathlib import Path

import yaml

sys.dont_write_bytecode = True  # keep schemas/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate  # noqa: E402  (this folder's validator)

logging.disable(logging.CRITICAL)
from azure.ai.ml import load_compute, load_environment, load_job  # noqa: E402
from azure.ai.ml.entities._load_functions import load_schedule  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "examples-repo"
CLUSTER, ENV, PIPELINE, SCHEDULE = (
    "clusters/cpu-cluster.yml", "environments/sklearn-env.yml", "pipelines/nightly-scoring.yml",
    "schedules/nightly.yml")
COMMAND = "pipelines/_crosscheck_command_base.yml"  # written for the run, removed after it
LOADERS = {CLUSTER: load_compute, ENV: load_environment, PIPELINE: load_job, SCHEDULE: load_schedule,
           COMMAND: load_job}
COMMAND_BASE = {
    "$schema": "https://azuremlschemas.azureedge.net/latest/commandJob.schema.json",
    "type": "command", "code": "../src/prep", "command": "python prep.py --raw ${{inputs.raw}} --out ${{outputs.out}}",
    "environment": "azureml:sklearn-env@latest", "compute": "azureml:cpu-cluster", "experiment_name": "adhoc",
    "inputs": {"raw": {"type": "uri_folder", "path": "../data/raw"}, "n": 3}, "outputs": {"out": {"type": "uri_folder"}},
}

P, S = 'd["jobs"]["prep"]', 'd["jobs"]["score"]'
MUTATIONS = {
    CLUSTER: [
        'd["max_nodes"] = 3', 'd["tier"] = "Low_Priority"', 'd["tier"] = "LOWPRIORITY"', 'd["tier"] = "spot"',
        'd["type"] = "AmlCompute"', 'd["max_instances"] = "4"', 'd["max_instances"] = "four"',
        'd["max_instances"] = 4.5', 'd["max_instances"] = True', 'd["tags"] = {"a": 1}', 'd["description"] = None',
        'd["id"] = "x"', 'd["identity"] = {"type": "SystemAssigned"}', 'd["identity"] = {"type": "SYSTEM_ASSIGNED"}',
        'd["identity"] = {"type": "systemassigned"}', 'd["identity"] = {"type": "system_assigned,user_assigned"}',
        'd["enable_node_public_ip"] = "yes"', 'd["enable_node_public_ip"] = "maybe"',
        'd["ssh_public_access_enabled"] = 1', 'd["name"] = 5', 'del d["name"]', 'del d["type"]',
        'd["network_settings"] = {"vnet_name": "v", "subnet": "s", "foo": 1}', 'd["size"] = 5',
        'd["ssh_settings"] = {"admin_username": "u", "ssh_key_value": "k"}', 'd["location"] = "westeurope"',
        'd["identity"] = {"type": "user_assigned", "user_assigned_identities": [{"resource_id": "x"}]}',
    ],
    ENV: [
        'd["foo"] = 1', 'd["os_type"] = "Linux"', 'd["os_type"] = "macos"', 'd["version"] = 1',
        'd["version"] = "1.0"', 'd["tags"] = {"a": 1}', 'd["properties"] = {}', 'del d["name"]',
        'd["build"] = {"path": "./docker/scorer", "foo": 1}', 'd["conda_file"] = {"dependencies": ["python"]}',
        'd["inference_config"] = {"liveness_route": {"port": 5001, "path": "/"}}', 'd["datastore"] = "x"',
        'd["dependencies"] = ["python"]', 'd["description"] = None', 'd["image"] = 5',
    ],
    PIPELINE: [
        'd["foo"] = 1', 'd["type"] = "Pipeline"', 'd["settings"]["foo"] = 1',
        'd["settings"]["default_compute"] = "cpu-cluster"', 'd["settings"]["default_compute"] = "Serverless"',
        'd["settings"]["default_datastore"] = "workspaceblobstore"', 'd["settings"]["force_rerun"] = "yes"',
        'd["inputs"]["min_rows"] = None', 'd["inputs"]["min_rows"] = {"value": 3}', 'd["outputs"]["scores"] = None',
        'd["outputs"]["scores"]["foo"] = 1', 'd["tags"]["x"] = None', 'd["tags"]["x"] = 1',
        'd["jobs"]["Prep2"] = d["jobs"].pop("prep")', 'd["jobs"]["prep"]["type"] = "Command"',
        'd["jobs"]["score"]["type"] = "PARALLEL"', 'd["jobs"]["prep"]["type"] = "commandx"',
        P + '["comand"] = "x"', P + '["comment"] = "c"', P + '["code"] = 5', P + '["limits"] = {"timeout": 60}',
        P + '["resources"] = {"instance_count": 1, "foo": 2}', P + '["inputs"]["raw"]["foo"] = 1',
        P + '["inputs"]["raw"]["mode"] = "RO_MOUNT"', P + '["inputs"]["raw"]["mode"] = "rw_mount"',
        P + '["outputs"]["clean"]["foo"] = 1', P + '["outputs"]["clean"] = None',
        P + '["environment_variables"] = {"A": 1}', P + '["queue_settings"] = {"job_tier": "SPOT"}',
        P + '["identity"] = {"type": "UserIdentity"}', P + '["distribution"] = {"type": "PyTorch"}',
        P + '["environment"] = {"image": "x", "foo": 1}', P + '["environment"] = {"image": "x", "name": "n"}',
        P + '["max_concurrency_per_instance"] = 1', 'del ' + P + '["command"]',
        P + '["component"] = "azureml:c:1"; ' + P + '["bogus"] = 1; [' + P + '.pop(k) for k in ("code", "command", "environment")]',
        S + '["mini_batch_sise"] = "2"', S + '["comment"] = "c"', S + '["task"]["foo"] = 1',
        S + '["retry_settings"]["foo"] = 1', S + '["mini_batch_size"] = 2', S + '["mini_batch_size"] = "2KB"',
        S + '["mini_batch_size"] = "2 files"', S + '["logging_level"] = "info"', S + '["logging_level"] = "TRACE"',
        S + '["max_concurrency_per_instance"] = "${{parent.inputs.min_rows}}"',
        S + '["max_concurrency_per_instance"] = "2"', S + '["max_concurrency_per_instance"] = "two"',
        S + '["task"]["type"] = "Run_Function"', S + '["task"]["type"] = "script"', 'del ' + S + '["task"]["environment"]',
        S + '["environment_variables"] = {"A": 1}', S + '["resources"]["foo"] = 1', S + '["environment"] = "azureml:e:1"',
        S + '["retry_settings"]["timeout"] = "${{parent.inputs.min_rows}}"', S + '["retry_settings"]["max_retries"] = "x"',
        S + '["inputs"]["sales_files"]["foo"] = 1', S + '["error_threshold"] = "x"', S + '["partition_keys"] = ["a"]',
        S + '["identity"] = {"type": "managed"}', S + '["task"]["entry_script"] = 5',
        # beyond a schema: files that must exist, bindings that must resolve (expected LOOSER)
        P + '["code"] = "../src/missing"', S + '["inputs"]["sales_files"]["path"] = "${{parent.jobs.nope.outputs.x}}"',
    ],
    COMMAND: [
        'd["foo"] = 1', 'd["type"] = "Command"', 'del d["type"]', 'del d["environment"]', 'del d["command"]',
        'd["environment"] = {"image": "x", "conda_file": "../environments/conda/sklearn.yml"}',
        'd["environment"] = {"image": "x", "bogus": 1}', 'd["resources"] = {"instance_count": "2", "shm_size": "2g"}',
        'd["resources"] = {"instance_count": 2, "gpus": 1}', 'd["distribution"] = {"type": "PyTorch", "process_count_per_instance": 2}',
        'd["distribution"] = {"type": "tensorflow", "worker_count": 2}', 'd["distribution"] = {"type": "horovod"}',
        'd["limits"] = {"timeout": 3600}', 'd["limits"] = {"timeout": 3600, "max_trials": 1}',
        'd["queue_settings"] = {"job_tier": "Standard", "priority": "medium"}', 'd["queue_settings"] = {"job_tier": "gold"}',
        'd["identity"] = {"type": "managed", "client_id": "c"}', 'd["identity"] = {"type": "AMLToken"}',
        'd["identity"] = {"type": "aml_token", "client_id": "c"}', 'd["services"] = {"s": {"type": "ssh", "ssh_public_keys": "k"}}',
        'd["inputs"]["raw"]["mode"] = "eval_mount"', 'd["inputs"]["t"] = {"type": "mltable", "path": "../data/raw", "mode": "eval_mount"}',
        'd["inputs"]["m"] = {"type": "mlflow_model", "path": "azureml:m:1"}', 'd["inputs"]["v"] = {"value": 0.5}',
        'd["inputs"]["raw"]["type"] = "URI_FOLDER"', 'd["inputs"]["raw"]["type"] = "folder"', 'd["inputs"]["n"] = [1, 2]',
        'd["outputs"]["out"] = {"type": "uri_folder", "name": "o", "version": 2}', 'd["outputs"]["out"]["mode"] = "download"',
        'd["environment_variables"] = {"A": 1, "B": "x"}', 'd["compute"] = "local"', 'd["code"] = "git+https://x/y.git"',
        'd["tags"] = {"a": None}', 'd["display_name"] = 5',
    ],
    SCHEDULE: [
        'd["foo"] = 1', 'd["trigger"]["type"] = "Cron"', 'd["trigger"]["foo"] = 1', 'del d["trigger"]',
        'del d["create_job"]', 'del d["name"]', 'd["trigger"]["expression"] = 5',
        'd["trigger"] = {"type": "recurrence", "frequency": "Day", "interval": 1, "schedule": {"hours": 4, "minutes": [0, 30]}}',
        'd["trigger"] = {"type": "recurrence", "frequency": "week", "interval": 1, "schedule": {"hours": [4], "minutes": 0, "week_days": ["Monday"], "foo": 1}}',
        'd["trigger"] = {"type": "recurrence", "frequency": "fortnight", "interval": 1}',
        'd["trigger"]["start_time"] = "2025-01-01T00:00:00"', 'd["trigger"]["start_time"] = "tomorrow"',
        'd["create_job"] = {"type": "pipeline", "job": "../pipelines/nightly-scoring.yml", "settings": {"force_rerun": True}}',
        'd["create_job"] = "azureml:some_job"', 'd["create_job"] = "../pipelines/missing.yml"', 'd["properties"] = {"a": "b"}', 'd["trigger"]["time_zone"] = "Pacific Standard Time"',
    ],
}


def sdk_verdict(path, loader):
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            entity = loader(path)
            if loader is load_job:
                entity._validate(raise_error=True)
        return True, ""
    except Exception as error:  # the SDK raises many exception types
        return False, f"{type(error).__name__}: {' '.join(str(error).split())[:160]}"


def main(argv):
    verbose = "--verbose" in argv
    schemas = validate.load_schemas(Path(validate.__file__).resolve().parent)
    tally = {"same": 0, "TIGHTER": 0, "LOOSER": 0}
    (ROOT / COMMAND).write_text(yaml.safe_dump(COMMAND_BASE, sort_keys=False))
    try:
        return _run(schemas, tally, verbose)
    finally:
        os.remove(ROOT / COMMAND)


def _run(schemas, tally, verbose):
    for base, mutations in MUTATIONS.items():
        base_path = ROOT / base
        original = yaml.safe_load(base_path.read_text())
        for expr in mutations:
            doc = copy.deepcopy(original)
            exec(expr, {"d": doc})  # noqa: S102  (the mutations are this file's own literals)
            tmp = base_path.with_name("_crosscheck_tmp.yml")
            tmp.write_text(yaml.safe_dump(doc, sort_keys=False))
            try:
                sdk_ok, why = sdk_verdict(str(tmp), LOADERS[base])
            finally:
                os.remove(tmp)
            name, _ = validate.classify(doc)
            if name is None:  # e.g. `del d["type"]` makes a cluster unrecognisable: the SDK still knows it
                name = validate.classify(original)[0]
            errors = validate.best_errors(schemas[name], validate.to_json(doc))
            schema_ok = not errors
            verdict = "same" if sdk_ok == schema_ok else ("TIGHTER" if sdk_ok else "LOOSER")
            tally[verdict] += 1
            if verdict != "same" or verbose:
                detail = why if not sdk_ok else (errors[0].message[:160] if errors else "")
                print(f"{verdict:<7} sdk={'ok ' if sdk_ok else 'err'} schema={'ok ' if schema_ok else 'err'} "
                      f"{base}: {expr}\n        {detail}")
    total = sum(tally.values())
    print(f"== {total} mutations: {tally['same']} same verdict, {tally['LOOSER']} schema looser than the SDK, "
          f"{tally['TIGHTER']} schema stricter than the SDK")
    return 1 if tally["TIGHTER"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
