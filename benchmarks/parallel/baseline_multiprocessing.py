"""Plain-Python baseline for the parallel-step benchmark: what ParallelWorkerPool is compared
against. Same entry script, same mini-batches (the sorted file list cut into mini-batch-size
chunks), same worker count, same row -> line conversion, one output file.

    python baseline_multiprocessing.py --entry-script score_items.py --input-folder DIR \
        --mini-batch-size 10 --workers 2 --output out.txt

Prints {"seconds": wall time from pool creation to output closed, "rows": N}.
"""

import argparse
import importlib.util
import json
import multiprocessing
import os
import sys
import time

_module = None


def _load(entry_script):
    global _module
    name = os.path.splitext(os.path.basename(entry_script))[0]
    spec = importlib.util.spec_from_file_location(name, entry_script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    _module = module


def _initializer(entry_script):
    _load(entry_script)
    init = getattr(_module, "init", None)
    if callable(init):
        init()


def _one_line(text):
    if "\n" in text or "\r" in text:
        return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return text


def _row_to_line(row):
    # The same conversion as Sources/LocalRunner/Resources/parallel_worker.py.
    if isinstance(row, str):
        return _one_line(row)
    if isinstance(row, (list, tuple)):
        return _one_line(" ".join([str(v) for v in row]))
    if isinstance(row, dict):
        return _one_line(json.dumps(row, sort_keys=True))
    return _one_line(str(row))


def _run(mini_batch):
    result = _module.run(mini_batch)
    if result is None:
        return []
    if hasattr(result, "itertuples") and hasattr(result, "columns"):
        return [_one_line(" ".join([str(v) for v in row]))
                for row in result.itertuples(index=False, name=None)]
    return [_row_to_line(row) for row in result]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entry-script", required=True)
    parser.add_argument("--input-folder", required=True)
    parser.add_argument("--mini-batch-size", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    entry_script = os.path.abspath(args.entry_script)
    sys.path.insert(0, os.path.dirname(entry_script))
    folder = os.path.abspath(args.input_folder)
    files = sorted(os.path.join(folder, name) for name in os.listdir(folder))
    size = max(1, args.mini_batch_size)
    batches = [files[i:i + size] for i in range(0, len(files), size)]

    rows = 0
    started = time.perf_counter()
    with multiprocessing.Pool(args.workers, initializer=_initializer,
                              initargs=(entry_script,)) as pool:
        with open(args.output, "w", encoding="utf-8") as out:
            for lines in pool.imap(_run, batches):
                for line in lines:
                    out.write(line)
                    out.write("\n")
                rows += len(lines)
        seconds = time.perf_counter() - started  # output closed; pool teardown not counted
    print(json.dumps({"seconds": seconds, "rows": rows}))


if __name__ == "__main__":
    main()
