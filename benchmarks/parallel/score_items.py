"""The entry script both sides of the parallel benchmark run (stdlib only).

run() reads each CSV file of its mini-batch and returns one row per file:
"<file name> <row count> <sum of value> <weighted mean of value>".
"""

import csv
import os

_count = 0


def init():
    # Deliberately light: the benchmark measures the harness, not model loading.
    global _count
    _count = 0


def run(mini_batch):
    global _count
    rows = []
    for path in mini_batch:
        total = 0.0
        weighted = 0.0
        weights = 0
        count = 0
        with open(path, newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                value = float(record["value"])
                weight = int(record["weight"])
                total += value
                weighted += value * weight
                weights += weight
                count += 1
        mean = weighted / weights if weights else 0.0
        rows.append([os.path.basename(path), count, "%.4f" % total, "%.4f" % mean])
    _count += len(rows)
    return rows
