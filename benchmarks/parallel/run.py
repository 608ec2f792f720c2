#!/usr/bin/env python3
"""The parallel-step benchmark: one parallel step over N small files run by mlgitops's local
workspace, against a plain Python multiprocessing script doing the same run() calls with the
same worker count (baseline_multiprocessing.py).

    python3 benchmarks/parallel/run.py [--items 10000] [--mini-batch-size 10] [--workers 2]
                                       [--runs 3] [--out benchmarks/parallel/results.md]

Both sides run score_items.py over the same files, cut into the same mini-batches, and gather
every returned row into one file. mlgitops runs the step as a user would: a committed pipeline
reconciled with `mlgitops reconcile --wait` (release build). Its figure is the step's own time,
as the step logs it ("step took ... s": splitting the input, the worker pool with its
per-mini-batch records in SQLite, and gathering append_row_to); the job's whole wall time
(reconcile, snapshot of the commit's files, the environment from the cache) is reported beside
it. Each run commits a changed environment variable, so each is a new job definition: the
environment is built once (the first run) and reused by its hash afterwards.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(os.path.dirname(HERE), ".work", "parallel")


def sh(argv, **kwargs):
    return subprocess.run(argv, check=True, **kwargs)


def git(repo, *args):
    sh(["git", "-C", repo, *args], stdout=subprocess.DEVNULL)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def make_repository(repo, items, mini_batch_size, workers):
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "bench@example.com")
    git(repo, "config", "user.name", "bench")
    sh([sys.executable, os.path.join(HERE, "generate_items.py"), "--output-folder",
        os.path.join(repo, "ml", "data", "items"), "--count", str(items)], stdout=subprocess.DEVNULL)
    os.makedirs(os.path.join(repo, "ml", "src"), exist_ok=True)
    shutil.copy(os.path.join(HERE, "score_items.py"), os.path.join(repo, "ml", "src", "score_items.py"))
    write(os.path.join(repo, "ml", "clusters", "cpu-cluster.yml"),
          "type: amlcompute\nname: cpu-cluster\nsize: Standard_D4_v3\nmin_instances: 0\nmax_instances: 1\n")
    write(os.path.join(repo, "ml", "environments", "bench-env.yml"),
          "name: bench-env\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1\n"
          "conda_file: ./conda.yml\n")
    write(os.path.join(repo, "ml", "environments", "conda.yml"),
          "name: bench-env\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n")
    write_pipeline(repo, mini_batch_size, workers, run=0)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "parallel benchmark")


def write_pipeline(repo, mini_batch_size, workers, run):
    write(os.path.join(repo, "ml", "pipelines", "bench.yml"), f"""type: pipeline
display_name: parallel-bench
settings:
  default_compute: azureml:cpu-cluster
inputs:
  items: {{type: uri_folder, path: ../data/items}}
outputs:
  rows: {{type: uri_file}}
jobs:
  score:
    type: parallel
    inputs:
      items: {{type: uri_folder, path: "${{{{parent.inputs.items}}}}", mode: ro_mount}}
    outputs:
      rows: ${{{{parent.outputs.rows}}}}
    input_data: ${{{{inputs.items}}}}
    mini_batch_size: "{mini_batch_size}"
    resources: {{instance_count: 1}}
    max_concurrency_per_instance: {workers}
    mini_batch_error_threshold: 0
    retry_settings: {{max_retries: 0, timeout: 600}}
    environment_variables: {{BENCH_RUN: "{run}"}}
    task:
      type: run_function
      code: ../src
      entry_script: score_items.py
      environment: azureml:bench-env@latest
      append_row_to: ${{{{outputs.rows}}}}
""")


def run_ours(mlgitops, repo, state, run, mini_batch_size, workers):
    if run > 0:
        write_pipeline(repo, mini_batch_size, workers, run)
        git(repo, "commit", "-q", "-am", f"run {run}")
    started = time.perf_counter()
    sh([mlgitops, "reconcile", "--repo", repo, "--path", "ml", "--state", state, "--wait"],
       stdout=subprocess.DEVNULL)
    whole = time.perf_counter() - started
    listing = json.loads(subprocess.run([mlgitops, "jobs", "list", "--state", state, "--output", "json"],
                                        check=True, capture_output=True, text=True).stdout)
    jobs = listing["jobs"] if isinstance(listing, dict) else listing
    newest = max(jobs, key=lambda job: job.get("submittedAt") or "")
    shown = json.loads(subprocess.run([mlgitops, "jobs", "show", newest["name"], "--state", state, "--output", "json"],
                                      check=True, capture_output=True, text=True).stdout)
    assert shown["state"] == "Completed", shown
    step = shown["steps"][0]
    with open(os.path.join(step["logs"], "std_log.txt"), encoding="utf-8") as handle:
        took = re.findall(r"step took ([0-9.]+) s", handle.read())
    rows = sum(1 for _ in open(shown["outputs"]["rows"], encoding="utf-8"))
    return float(took[-1]), whole, rows


def run_baseline(python, items_folder, mini_batch_size, workers):
    output = os.path.join(WORK, "baseline-rows.txt")
    result = subprocess.run([python, os.path.join(HERE, "baseline_multiprocessing.py"), "--entry-script",
                             os.path.join(HERE, "score_items.py"), "--input-folder", items_folder,
                             "--mini-batch-size", str(mini_batch_size), "--workers", str(workers),
                             "--output", output], check=True, capture_output=True, text=True)
    measured = json.loads(result.stdout)
    return measured["seconds"], measured["rows"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--mini-batch-size", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mlgitops", help="a built mlgitops (default: a release build of this checkout)")
    parser.add_argument("--out", default=os.path.join(HERE, "results.md"))
    args = parser.parse_args()

    mlgitops = args.mlgitops
    if not mlgitops:
        sh(["swift", "build", "-c", "release", "--product", "mlgitops"], cwd=ROOT, stdout=subprocess.DEVNULL)
        bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.strip()
        mlgitops = os.path.join(bin_dir, "mlgitops")
    os.makedirs(WORK, exist_ok=True)
    repo, state = os.path.join(WORK, "repo"), os.path.join(WORK, "state")
    shutil.rmtree(state, ignore_errors=True)
    make_repository(repo, args.items, args.mini_batch_size, args.workers)
    # The same interpreter on both sides: the local workspace makes its virtual environments
    # from `python3` (or MLGITOPS_PYTHON).
    python = os.environ.get("MLGITOPS_PYTHON", shutil.which("python3"))

    ours, wholes, baselines = [], [], []
    for run in range(args.runs + 1):
        step, whole, rows = run_ours(mlgitops, repo, state, run, args.mini_batch_size, args.workers)
        assert rows == args.items, f"mlgitops gathered {rows} rows for {args.items} items"
        seconds, base_rows = run_baseline(python, os.path.join(repo, "ml", "data", "items"),
                                          args.mini_batch_size, args.workers)
        assert base_rows == args.items, f"the baseline gathered {base_rows} rows for {args.items} items"
        label = "warm-up (builds the environment)" if run == 0 else f"run {run}"
        print(f"{label:<34} mlgitops step {step:7.3f} s (whole job {whole:7.3f} s)   "
              f"multiprocessing {seconds:7.3f} s", file=sys.stderr)
        if run > 0:
            ours.append(step)
            wholes.append(whole)
            baselines.append(seconds)

    step, whole, base = statistics.median(ours), statistics.median(wholes), statistics.median(baselines)
    # Each run pairs the two sides back to back, under the same machine load: the median of the
    # per-run ratios is the overhead figure; the medians of the times are shown beside it.
    step_ratio = statistics.median(o / b for o, b in zip(ours, baselines))
    whole_ratio = statistics.median(w / b for w, b in zip(wholes, baselines))
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, "
               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB, "
               f"{subprocess.run([python, '--version'], capture_output=True, text=True).stdout.strip()}")
    with open(args.out, "w") as out:
        out.write(f"Machine: {machine}. {args.items} items, mini_batch_size {args.mini_batch_size}, "
                  f"{args.workers} workers; median of {args.runs} runs after a warm-up.\n\n")
        out.write("| what | wall (median) | vs multiprocessing (median of per-run ratios) |\n|---|---:|---:|\n")
        out.write(f"| plain Python multiprocessing.Pool (baseline_multiprocessing.py) | {base:.3f} s | 1.00 |\n")
        out.write(f"| mlgitops parallel step (split, workers, records, append_row_to) | {step:.3f} s | "
                  f"{step_ratio:.2f} |\n")
        out.write(f"| mlgitops whole job (reconcile --wait: plan, snapshot, environment from cache, step) "
                  f"| {whole:.3f} s | {whole_ratio:.2f} |\n")
    print(open(args.out).read())


if __name__ == "__main__":
    main()
