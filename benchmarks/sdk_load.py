#!/usr/bin/env python3
"""The peer: the official azure-ai-ml SDK loading the same files as `mlgitops validate`.

Loads every cluster, environment and job file under PATH with load_compute / load_environment /
load_job (components are loaded through the pipelines that use them, as the SDK does; conda
files and our own kinds are skipped), whole process, and prints how many it loaded.
Usage: sdk_load.py PATH
"""
import os
import sys

import yaml
from azure.ai.ml import load_compute, load_environment, load_job


def main():
    root = sys.argv[1]
    loaded = failed = 0
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            if not name.endswith((".yml", ".yaml")):
                continue
            path = os.path.join(folder, name)
            with open(path) as handle:
                document = yaml.safe_load(handle) or {}
            kind = document.get("type")
            schema = str(document.get("$schema", ""))
            try:
                if kind == "amlcompute":
                    load_compute(path)
                elif "environment.schema" in schema:
                    load_environment(path)
                elif kind in ("command", "pipeline") and "Component" not in schema:
                    load_job(path)
                else:
                    continue
                loaded += 1
            except Exception as error:  # the verdict is not what is measured here
                failed += 1
                if failed <= 3:
                    print(f"{path}: {type(error).__name__}: {str(error)[:200]}", file=sys.stderr)
    print(f"loaded {loaded} files, {failed} failed")


if __name__ == "__main__":
    main()
