#!/usr/bin/env python3
"""Reproduces the table of docs/performance.md in one run, on this machine.

  python3 benchmarks/run.py [--sizes 1000,10000] [--runs 5] [--sdk-sizes 1000] [--out FILE]

Builds mlgitops and mlgitops-bench in release mode, generates the repositories
(benchmarks/generate_repo.py), then measures each command as a whole process: the median wall
time of --runs runs and the peak resident memory (from wait4's rusage). Floors and the peer are
measured in the same run: `git cat-file --batch` over every blob, our libgit2 layer reading every
blob, read + YAML parse of every file (Yams), and the official azure-ai-ml SDK loading the same
files (installed into benchmarks/.venv from PyPI on first use).
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, ".work")


def sh(command, **kwargs):
    return subprocess.run(command, shell=True, check=True, **kwargs)


def measure(argv, runs, cwd=None, shell=False):
    """Median wall seconds and max peak RSS (MiB) over `runs` runs of a whole process."""
    times, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 2):
            err = process.stderr.read().decode()[-2000:]
            raise SystemExit(f"{argv} exited {code}: {err}")
        times.append(elapsed)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def ensure_sdk():
    venv = os.path.join(HERE, ".venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        sh(f"{sys.executable} -m venv {venv}")
        sh(f"{python} -m pip install -q azure-ai-ml==1.35.2")
    return python


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--sdk-sizes", default="1000", help="sizes the SDK peer runs on (it is slow)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(HERE, "results.md"))
    args = parser.parse_args()

    sh("swift build -c release --product mlgitops && swift build -c release --product mlgitops-bench", cwd=ROOT,
       stdout=subprocess.DEVNULL)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    mlgitops, bench = os.path.join(bin_dir, "mlgitops"), os.path.join(bin_dir, "mlgitops-bench")
    os.makedirs(WORK, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    sdk_sizes = {int(s) for s in args.sdk_sizes.split(",") if s}

    rows = []
    for n in sizes:
        repo = os.path.join(WORK, f"repo-{n}")
        if not os.path.exists(repo):
            sh(f"{sys.executable} {HERE}/generate_repo.py {repo} {n}")
        state = os.path.join(WORK, f"state-{n}")
        shutil.rmtree(state, ignore_errors=True)
        common = ["--repo", repo, "--path", "ml"]

        def row(label, argv, floor=None, shell=False):
            seconds, mib = measure(argv, args.runs, shell=shell)
            rows.append((n, label, seconds, mib, floor))
            print(f"N={n:>6} {label:<52} {seconds * 1000:9.1f} ms {mib:7.1f} MiB", file=sys.stderr)
            return seconds

        cat_file = row("floor: git ls-tree | git cat-file --batch (every blob)",
                       f"git -C {repo} ls-tree -r --format='%(objectname)' HEAD | git -C {repo} cat-file --batch > /dev/null",
                       shell=True)
        libgit2 = row("floor: our libgit2 layer reads every blob", [bench, "read-tree", repo])
        floor = row("floor: read + parse every YAML once (Yams)", [bench, "parse-yaml", repo, "HEAD", "ml"])
        row("mlgitops validate (full)", [mlgitops, "validate", *common], floor)
        row("mlgitops plan, empty workspace (full)", [mlgitops, "plan", *common, "--state", state], floor)
        subprocess.run([mlgitops, "reconcile", *common, "--state", state], check=True, stdout=subprocess.DEVNULL)
        row("mlgitops plan, applied workspace (full, no changes)", [mlgitops, "plan", *common, "--state", state], floor)
        if n in sdk_sizes:
            python = ensure_sdk()
            sdk = row("peer: azure-ai-ml load_* of the same files", [python, os.path.join(HERE, "sdk_load.py"),
                                                                        os.path.join(repo, "ml")])
            rows.append((n, "ratio: SDK load / mlgitops validate", sdk / next(r[2] for r in rows
                        if r[0] == n and r[1] == "mlgitops validate (full)"), None, None))

    machine = f"{platform.machine()}, {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB"
    with open(args.out, "w") as out:
        out.write(f"Machine: {machine}; runs per figure: {args.runs} (median wall time, max peak RSS).\n\n")
        out.write("| N | what | wall | peak memory | x floor (read+parse) |\n|---:|---|---:|---:|---:|\n")
        for n, label, seconds, mib, floor in rows:
            if label.startswith("ratio"):
                out.write(f"| {n} | {label} | {seconds:.0f}x | | |\n")
                continue
            ratio = f"{seconds / floor:.2f}" if floor else ""
            out.write(f"| {n} | {label} | {seconds * 1000:.0f} ms | {mib:.0f} MiB | {ratio} |\n")
    print(open(args.out).read())


if __name__ == "__main__":
    main()
