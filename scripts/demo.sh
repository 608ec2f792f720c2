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
run reconcile --repo . --path examples-repo --state "$state"
echo; echo "\$ mlgitops plan --repo . --path examples-repo --state $state --detailed-exitcode"
"$bin" plan --repo . --path examples-repo --state "$state" --detailed-exitcode
echo "(exit $?: nothing left to do)"
run status --state "$state"
run history --state "$state"
