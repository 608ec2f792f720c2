#!/usr/bin/env bash
# Installs what mlgitops needs on Debian/Ubuntu, only what is missing.
# Usage: scripts/install-deps.sh [--tests]
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
dpkg -s libgit2-dev >/dev/null 2>&1 || need+=(libgit2-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v git >/dev/null 2>&1 || need+=(git)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# The local workspace builds environments as virtual environments with pip (Debian splits
# ensurepip into python3-venv).
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ "${1:-}" = "--tests" ]; then
  # The JSON-Schema tests validate examples with Python's jsonschema.
  python3 -c 'import jsonschema, yaml' >/dev/null 2>&1 || need+=(python3-jsonschema python3-yaml)
  # The pull-request comment tests parse the Markdown with markdown-it-py (Debian's goes with
  # /usr/bin/python3, which the tests prefer).
  { /usr/bin/python3 -c 'import markdown_it' || python3 -c 'import markdown_it'; } >/dev/null 2>&1 || need+=(python3-markdown-it)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "swift is not on PATH: install the Swift 6 toolchain (https://www.swift.org/install/linux/) and retry" >&2
  exit 1
fi
