"""Entry script of the parallel scoring step: one score row per store file.

The parallel runtime calls init() once per worker, run(mini_batch) with a list of file paths
(mini_batch_size "2": two files per call) and shutdown() at the end. run() returns one row
per file; the runtime appends every row to the step's `append_row_to` output. Returning fewer
rows than files marks the mini-batch as failed, so a file that cannot be scored raises.
Standard library only.

Row format: file,store,days,total,mean,trend_per_day,flag
Local run:  python score.py <clean folder>   (prints the rows run() would return)
"""

import argparse
import csv
import os
import sys
from pathlib import Path

_decimals = 2
_scored = 0


def init():
    """Reads the step's settings once per worker."""
    global _decimals
    parser = argparse.ArgumentParser()
    parser.add_argument("--decimals", type=int, default=None)
    # The runtime passes its own flags (--allowed_failed_percent, ...) too: ignore them.
    args, _ = parser.parse_known_args()
    _decimals = args.decimals if args.decimals is not None else int(os.environ.get("SCORE_DECIMALS", "2"))


def score_file(path):
    """Scores one clean store file (header date,store,sales)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{Path(path).name}: no rows to score")
    sales = [float(row["sales"]) for row in rows]
    stores = {row["store"] for row in rows}
    if len(stores) != 1:
        raise ValueError(f"{Path(path).name}: expected one store, found {sorted(stores)}")
    total = sum(sales)
    mean = total / len(sales)
    trend = (sales[-1] - sales[0]) / (len(sales) - 1) if len(sales) > 1 else 0.0
    # A store whose sales fall by more than 2% of its mean per day needs a look.
    flag = "review" if trend < -0.02 * mean else "ok"
    d = _decimals
    return f"{Path(path).name},{stores.pop()},{len(sales)},{total:.{d}f},{mean:.{d}f},{trend:+.{d}f},{flag}"


def run(mini_batch):
    """Returns one row per file of the mini-batch."""
    global _scored
    results = [score_file(path) for path in mini_batch]
    _scored += len(results)
    return results


def shutdown():
    print(f"score: {_scored} file(s) scored by this worker")


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    sys.argv = sys.argv[:1]
    init()
    files = sorted(str(p) for p in folder.glob("*.csv"))
    for start in range(0, len(files), 2):
        for row in run(files[start:start + 2]):
            print(row)
    shutdown()
