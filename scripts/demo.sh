#!/usr/bin/env bash
# The demo: reconcile examples-repo/ into a fresh embedded local workspace and show the result.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# --build-tests builds what scripts/test.sh needs too, so the two never build twice.
swift build --build-tests 2>&1 | tail -n 1
bin="$(swift build --show-bin-path)/mlgitops"
state=.mlgitops-demo
rm -rf "$state"
run() { echo; echo "\$ mlgitops $*"; "$bin" "$@"; }

run validate --repo . --path examples-repo
run reconcile --repo . --path examples-repo --state "$state" --dry-run
# --wait runs what the reconcile submitted on this machine: the environments are built
# (virtual environments with the conda files' pip packages), then the nightly pipeline's
# steps run, the parallel step over one mini-batch of two files per run() call.
run reconcile --repo . --path examples-repo --state "$state" --wait
run jobs list --state "$state"
run jobs show pipelines-nightly-scoring --state "$state"
rows="$("$bin" jobs show pipelines-nightly-scoring --state "$state" --output json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["outputs"]["scores"])')"
items=$(ls examples-repo/data/raw | wc -l)
echo; echo "\$ cat $rows   # append_row_to: one row per input item"
cat "$rows"
echo "($(wc -l < "$rows") rows for $items input files)"
echo; echo "\$ mlgitops plan --repo . --path examples-repo --state $state --detailed-exitcode"
"$bin" plan --repo . --path examples-repo --state "$state" --detailed-exitcode
echo "(exit $?: nothing left to do)"
run status --state "$state"
run history --state "$state"
