#!/usr/bin/env bash
# Builds once (with tests) and runs the whole suite: unit, integration and end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
swift build --build-tests
swift test --skip-build "$@"
