#!/usr/bin/env python3
"""Makes a realistic desired-state repository of N manifests for the benchmarks.

Mix (of N resource files): 4% clusters, 16% environments (each with its own conda file),
10% command components, 45% command jobs, 24% pipelines (command step feeding a parallel step,
one of them through a component file), 1% quota policies and locks. Code lives in 50 shared
source folders. History: an initial commit, then `--commits` commits that each change about
`--churn` of the manifests (a parameter, a package pin, a cluster's idle time).

Usage: generate_repo.py DIR N [--commits 50] [--churn 0.10] [--seed 7]
Deterministic for a given N and seed. Uses git fast-import, so 10,000 manifests x 50 commits
take seconds.
"""
import argparse
import os
import random
import subprocess
import sys


def cluster(i, idle=300):
    size = ["Standard_DS3_v2", "Standard_D4s_v3", "Standard_F8s_v2", "Standard_NC6s_v3"][i % 4]
    tier = "low_priority" if i % 4 == 3 else "dedicated"
    return (f"$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n"
            f"name: cluster-{i}\ntype: amlcompute\nsize: {size}\ntier: {tier}\n"
            f"min_instances: 0\nmax_instances: {2 + i % 3}\nidle_time_before_scale_down: {idle}\n"
            f"tags:\n  team: team-{i % 7}\n")


def environment(i):
    return (f"$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\n"
            f"name: env-{i}\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1\n"
            f"conda_file: conda/env-{i}.yml\ndescription: environment {i}\n")


def conda(i, pin):
    return (f"name: env-{i}\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10\n  - pip=24.0\n"
            f"  - pip:\n      - numpy==1.26.{pin}\n      - pandas==2.2.{i % 3}\n      - scikit-learn==1.5.{i % 2}\n")


def component(i):
    return (f"$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\n"
            f"name: component_{i}\ntype: command\nversion: \"1\"\n"
            f"inputs:\n  data:\n    type: uri_folder\n  rate:\n    type: number\n    default: 0.1\n"
            f"outputs:\n  model:\n    type: uri_folder\n"
            f"code: ../src/code-{i % 50}\nenvironment: azureml:env-{i % 10}@latest\n"
            f"command: python main.py --data ${{{{inputs.data}}}} --rate ${{{{inputs.rate}}}} --out ${{{{outputs.model}}}}\n")


def command_job(i, rate):
    return (f"$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\n"
            f"type: command\nexperiment_name: exp-{i % 20}\ncode: ../src/code-{i % 50}\n"
            f"command: python main.py --rate ${{{{inputs.rate}}}} --out ${{{{outputs.model}}}}\n"
            f"environment: azureml:env-{i % 40}@latest\ncompute: azureml:cluster-{i % 20}\n"
            f"inputs:\n  rate: {rate}\noutputs:\n  model:\n    type: uri_folder\n")


def pipeline(i, rate, components):
    comp = f"../components/component-{i % components}.yml" if components else None
    step_b = (f"  train:\n    type: command\n    component: {comp}\n"
              f"    inputs:\n      data: ${{{{parent.jobs.prep.outputs.clean}}}}\n      rate: {rate}\n") if comp else ""
    return (f"$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
            f"type: pipeline\nexperiment_name: pipe-{i % 20}\n"
            f"settings:\n  default_compute: azureml:cluster-{i % 20}\n  continue_on_step_failure: false\n"
            f"inputs:\n  raw:\n    type: uri_folder\n    path: azureml://datastores/workspaceblobstore/paths/raw-{i % 30}/\n"
            f"  threshold: {rate}\n"
            f"outputs:\n  scores:\n    type: uri_folder\n"
            f"jobs:\n"
            f"  prep:\n    type: command\n    code: ../src/code-{i % 50}\n    environment: azureml:env-{i % 40}@latest\n"
            f"    command: python prep.py --in ${{{{inputs.raw}}}} --t ${{{{inputs.threshold}}}} --out ${{{{outputs.clean}}}}\n"
            f"    inputs:\n      raw: ${{{{parent.inputs.raw}}}}\n      threshold: ${{{{parent.inputs.threshold}}}}\n"
            f"    outputs:\n      clean:\n        type: uri_folder\n"
            f"{step_b}"
            f"  score:\n    type: parallel\n    inputs:\n      data:\n        type: uri_folder\n"
            f"        path: ${{{{parent.jobs.prep.outputs.clean}}}}\n"
            f"    outputs:\n      scored: ${{{{parent.outputs.scores}}}}\n"
            f"    input_data: ${{{{inputs.data}}}}\n    mini_batch_size: \"10\"\n"
            f"    resources:\n      instance_count: 2\n    max_concurrency_per_instance: 2\n"
            f"    mini_batch_error_threshold: 5\n    retry_settings:\n      max_retries: 2\n      timeout: 300\n"
            f"    logging_level: INFO\n"
            f"    task:\n      type: run_function\n      code: ../src/code-{i % 50}\n      entry_script: score.py\n"
            f"      environment: azureml:env-{i % 40}@latest\n      program_arguments: --allowed_failed_percent 5\n"
            f"      append_row_to: ${{{{outputs.scored}}}}\n")


def quota(i):
    return (f"type: quota_policy\nname: quota-{i}\nlocation: region-{i}\nscope: workspace\n"
            f"limits:\n  total_dedicated_cores: 100000\n  families:\n    - family: standardDSv2Family\n"
            f"      dedicated_cores: 100000\n")


def lock(i):
    return f"type: resource_lock\nname: lock-{i}\nlevel: CanNotDelete\nscope: compute/cluster-{i}\nnotes: benchmark\n"


class Repo:
    """The files of one commit, written through git fast-import."""

    def __init__(self, n, seed):
        self.rng = random.Random(seed)
        self.n = n
        self.counts = {
            "cluster": max(1, n * 4 // 100), "environment": max(1, n * 16 // 100),
            "component": max(1, n * 10 // 100), "pipeline": max(1, n * 24 // 100),
            "quota": max(1, n // 200), "lock": max(1, n // 200),
        }
        self.counts["command"] = max(1, n - sum(self.counts.values()))
        self.state = {}  # manifest key -> parameter that commits change
        for kind, count in self.counts.items():
            for i in range(count):
                self.state[(kind, i)] = 0

    def files(self):
        c = self.counts
        files = {}
        for i in range(c["cluster"]):
            files[f"ml/clusters/cluster-{i}.yml"] = cluster(i, 300 + 60 * self.state[("cluster", i)])
        for i in range(c["environment"]):
            files[f"ml/environments/env-{i}.yml"] = environment(i)
            files[f"ml/environments/conda/env-{i}.yml"] = conda(i, self.state[("environment", i)])
        for i in range(c["component"]):
            files[f"ml/components/component-{i}.yml"] = component(i)
        for i in range(c["command"]):
            files[f"ml/jobs/job-{i}.yml"] = command_job(i, round(0.01 * (1 + self.state[("command", i)]), 2))
        for i in range(c["pipeline"]):
            files[f"ml/pipelines/pipeline-{i}.yml"] = pipeline(i, round(0.5 + 0.01 * self.state[("pipeline", i)], 2), c["component"])
        for i in range(c["quota"]):
            files[f"ml/policies/quota-{i}.yml"] = quota(i)
        for i in range(c["lock"]):
            files[f"ml/policies/lock-{i}.yml"] = lock(i)
        for i in range(50):
            for name in ("main.py", "prep.py", "score.py"):
                files[f"ml/src/code-{i}/{name}"] = f"# code folder {i}\nprint('{name}')\n"
        return files

    def churn(self, fraction):
        keys = [k for k in self.state if k[0] not in ("quota", "lock", "component")]
        for key in self.rng.sample(keys, max(1, int(len(keys) * fraction))):
            self.state[key] += 1


def fast_import(directory, commits):
    stream = []
    mark = 0
    previous = {}
    for index, (message, files) in enumerate(commits):
        mark += 1
        data = message.encode()
        stamp = 1_700_000_000 + index * 3600
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"mark :{mark}\n".encode())
        stream.append(f"committer Bench <bench@example.com> {stamp} +0000\n".encode())
        stream.append(f"data {len(data)}\n".encode() + data + b"\n")
        if index > 0:
            stream.append(f"from :{mark - 1}\n".encode())
        for path, text in files.items():
            if previous.get(path) == text:
                continue
            blob = text.encode()
            stream.append(f"M 100644 inline {path}\n".encode())
            stream.append(f"data {len(blob)}\n".encode() + blob + b"\n")
        for path in previous.keys() - files.keys():
            stream.append(f"D {path}\n".encode())
        previous = files
    subprocess.run(["git", "fast-import", "--quiet"], cwd=directory, input=b"".join(stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=directory, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("n", type=int)
    parser.add_argument("--commits", type=int, default=50)
    parser.add_argument("--churn", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", args.directory], check=True)
    repo = Repo(args.n, args.seed)
    commits = [("initial desired state", repo.files())]
    for index in range(1, args.commits):
        repo.churn(args.churn)
        commits.append((f"change {index}: about {int(args.churn * 100)}% of the manifests", repo.files()))
    fast_import(args.directory, commits)
    subprocess.run(["git", "gc", "-q"], cwd=args.directory, check=True)
    manifests = sum(repo.counts.values())
    print(f"{args.directory}: {manifests} manifests, {len(commits)} commits", file=sys.stderr)


if __name__ == "__main__":
    main()
