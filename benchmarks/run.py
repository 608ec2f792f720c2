#!/usr/bin/env python3
"""Reproduces the table of docs/performance.md in one run, on this machine.

  python3 benchmarks/run.py [--sizes 1000,10000] [--runs 5] [--sdk-sizes 1000,10000] [--sdk-runs 1] [--out FILE]

Builds mlgitops and mlgitops-bench in release mode, generates the repositories
(benchmarks/generate_repo.py), then measures each command as a whole process: the median wall
time of --runs runs, the median CPU time (user + system, from wait4's rusage: on a shared
machine it moves less than the wall time) and the peak resident memory. Floors and the peer are
measured in the same run: `git cat-file --batch` over every blob, our libgit2 layer reading every
blob, read + YAML parse of every file (Yams), and the official azure-ai-ml SDK loading the same
files (installed into benchmarks/.venv from PyPI on first use; --sdk-runs runs, as one run over
10,000 files takes minutes).

The incremental figure: mlgitops has no changed-paths plan yet (the planner always plans the
whole tree), so it is `plan` on the applied workspace of a commit that changes one job file
(made on the side branch bench-one-change, the work tree is not touched). The `sync` tick runs
only when the binary has `mlgitops sync`; otherwise its row says it was skipped.
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
    """Median wall seconds, median CPU seconds and max peak RSS (MiB) over `runs` runs of a whole process."""
    times, cpus, peaks = [], [], []
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
        cpus.append(usage.ru_utime + usage.ru_stime)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), statistics.median(cpus), max(peaks)


def one_change_commit(repo):
    """A commit on refs/heads/bench-one-change that changes one job file's input on top of main
    (plumbing with a temporary index: the work tree and main stay as generated). Returns the path."""
    path = "ml/jobs/job-0.yml"
    git = lambda *a, **k: subprocess.run(["git", "-C", repo, *a], check=True, capture_output=True, text=True, **k).stdout
    content = git("show", f"main:{path}").replace("  rate: ", "  rate: 1", 1)
    env = dict(os.environ, GIT_INDEX_FILE=os.path.join(WORK, "bench-index"),
               GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com", GIT_AUTHOR_DATE="1700000000 +0000",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com", GIT_COMMITTER_DATE="1700000000 +0000")
    git("read-tree", "main", env=env)
    blob = git("hash-object", "-w", "--stdin", input=content).strip()
    git("update-index", "--cacheinfo", f"100644,{blob},{path}", env=env)
    tree = git("write-tree", env=env).strip()
    commit = git("commit-tree", tree, "-p", "main", "-m", "bench: change one job", env=env).strip()
    git("update-ref", "refs/heads/bench-one-change", commit)
    return path


def has_sync(mlgitops):
    """Whether this build has `mlgitops sync` (issue 5's controller)."""
    # `--help` after an unknown word prints the top-level help and exits 0, so read the list.
    listing = subprocess.run([mlgitops, "--help"], capture_output=True, text=True).stdout
    return any(line.split()[:1] == ["sync"] for line in listing.split("SUBCOMMANDS:")[-1].splitlines())


def has_full_flag(mlgitops):
    """Whether this build's `plan` has --full (and so plans incrementally without it)."""
    return "--full" in subprocess.run([mlgitops, "plan", "--help"], capture_output=True, text=True).stdout


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
    parser.add_argument("--sdk-sizes", default="1000,10000", help="sizes the SDK peer runs on")
    parser.add_argument("--sdk-runs", type=int, default=1, help="runs of the SDK peer (minutes each at 10,000)")
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
    load_before = os.getloadavg()
    for n in sizes:
        repo = os.path.join(WORK, f"repo-{n}")
        if not os.path.exists(repo):
            sh(f"{sys.executable} {HERE}/generate_repo.py {repo} {n}")
        state = os.path.join(WORK, f"state-{n}")
        shutil.rmtree(state, ignore_errors=True)
        common = ["--repo", repo, "--path", "ml"]

        def row(label, argv, floor=None, shell=False, runs=None):
            seconds, cpu, mib = measure(argv, runs or args.runs, shell=shell)
            rows.append((n, label, seconds, cpu, mib, floor))
            print(f"N={n:>6} {label:<56} {seconds * 1000:9.1f} ms {cpu * 1000:9.1f} ms CPU {mib:7.1f} MiB", file=sys.stderr)
            return seconds

        cat_file = row("floor: git ls-tree | git cat-file --batch (every blob)",
                       f"git -C {repo} ls-tree -r --format='%(objectname)' HEAD | git -C {repo} cat-file --batch > /dev/null",
                       shell=True)
        libgit2 = row("floor: our libgit2 layer reads every blob", [bench, "read-tree", repo])
        floor = row("floor: read + parse every YAML once (Yams)", [bench, "parse-yaml", repo, "HEAD", "ml"])
        row("mlgitops validate (full)", [mlgitops, "validate", *common], floor)
        # `--full` plans every manifest; without it a plan starts from the last plan's baseline
        # (docs/planning.md, "Incremental plans"), which is what the one-change rows measure.
        row("mlgitops plan, empty workspace (full)", [mlgitops, "plan", "--full", *common, "--state", state], floor)
        subprocess.run([mlgitops, "reconcile", *common, "--state", state], check=True, stdout=subprocess.DEVNULL)
        row("mlgitops plan, applied workspace (full, no changes)", [mlgitops, "plan", "--full", *common, "--state", state], floor)
        changed = one_change_commit(repo)
        # validate keeps no state (it runs in CI on a bare checkout): a changed file is a whole validate.
        row(f"mlgitops validate, one changed file ({os.path.basename(changed)}; stateless, so whole)",
            [mlgitops, "validate", *common, "--ref", "bench-one-change"], floor)
        row(f"mlgitops plan, applied workspace, one changed file ({os.path.basename(changed)}; full plan)",
            [mlgitops, "plan", "--full", *common, "--ref", "bench-one-change", "--state", state], floor)
        if has_full_flag(mlgitops):
            # The baseline is the last whole plan of main; the changed commit is planned from it.
            subprocess.run([mlgitops, "plan", "--full", *common, "--state", state], check=True, stdout=subprocess.DEVNULL)
            incremental = [mlgitops, "plan", *common, "--ref", "bench-one-change", "--state", state]
            probe = subprocess.run(incremental, capture_output=True, text=True)
            if "planning every manifest" in probe.stderr:
                sys.exit(f"the one-change plan did not start from the baseline: {probe.stderr.strip()}")
            row(f"mlgitops plan, applied workspace, one changed file ({os.path.basename(changed)}; incremental, tree diff)",
                incremental, floor)
            row("mlgitops plan, applied workspace, no new commit (the baseline itself)",
                [mlgitops, "plan", *common, "--state", state], floor)
        # A `sync` tick when the branch did not move (skipped with a message on a build without
        # `sync`, e.g. an older commit being compared).
        if has_sync(mlgitops):
            sync_state = os.path.join(WORK, f"sync-state-{n}")
            shutil.rmtree(sync_state, ignore_errors=True)
            sync = [mlgitops, "sync", "--once", "--repo", repo, "--branch", "main", "--path", "ml", "--state", sync_state,
                    "--drift-interval", "24h"]
            for _ in range(2):  # catch up (applies the tree), then one idle tick so the drift check is recorded
                subprocess.run(sync, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            row("mlgitops sync --once, no new commit (a tick)", sync)
        else:
            rows.append((n, "mlgitops sync tick: skipped, this build has no `mlgitops sync` (issue 5)", None, None, None, None))
            print(f"N={n:>6} sync tick skipped: `mlgitops sync` is not in this build", file=sys.stderr)
        if n in sdk_sizes:
            python = ensure_sdk()
            row(f"peer: azure-ai-ml load_* of the same files ({args.sdk_runs} run(s))",
                [python, os.path.join(HERE, "sdk_load.py"), os.path.join(repo, "ml")], runs=args.sdk_runs)

    load_after = os.getloadavg()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB"
    with open(args.out, "w") as out:
        out.write(f"Machine: {machine}; load average (1/5/15 min) {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f} "
                  f"at the start, {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f} at the end; "
                  f"runs per figure: {args.runs}, SDK {args.sdk_runs} (median wall and CPU time, max peak RSS).\n\n")
        out.write("| N | what | wall | CPU (user+sys) | peak memory | wall x floor (read+parse) | CPU x floor | SDK wall / this wall |\n"
                  "|---:|---|---:|---:|---:|---:|---:|---:|\n")
        for n, label, seconds, cpu, mib, floor in rows:
            label = label.replace("|", "\\|")  # a pipe in a label would end the table cell
            if seconds is None:
                out.write(f"| {n} | {label} | | | | | | |\n")
                continue
            ratio = f"{seconds / floor:.2f}" if floor else ""
            floor_cpu = next((r[3] for r in rows if r[0] == n and r[1].startswith("floor: read + parse")), None)
            cpu_ratio = f"{cpu / floor_cpu:.2f}" if floor and floor_cpu else ""
            sdk = next((r[2] for r in rows if r[0] == n and r[1].startswith("peer:")), None)
            versus_sdk = f"{sdk / seconds:.0f}x" if sdk and label.startswith("mlgitops validate") else ""
            out.write(f"| {n} | {label} | {seconds * 1000:.0f} ms | {cpu * 1000:.0f} ms | {mib:.0f} MiB | {ratio} | {cpu_ratio} | {versus_sdk} |\n")
    print(open(args.out).read())


if __name__ == "__main__":
    main()
