"""Writes the parallel-step benchmark's input: N small CSV files, deterministic.

    python generate_items.py --output-folder DIR [--count 10000] [--lines 20] [--seed 7]
"""

import argparse
import os
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--output-folder", required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.makedirs(args.output_folder, exist_ok=True)
    rng = random.Random(args.seed)
    width = len(str(args.count - 1))
    for number in range(args.count):
        lines = ["id,value,weight"]
        for line in range(args.lines):
            lines.append("%d,%.4f,%d" % (line, rng.uniform(-100, 100), rng.randint(1, 9)))
        path = os.path.join(args.output_folder, "item-%0*d.csv" % (width, number))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    print("wrote %d files to %s" % (args.count, args.output_folder))


if __name__ == "__main__":
    main()
