"""Normalise the raw daily sales exports into one clean CSV per store.

The shops export their sales with different tools: some use semicolons and decimal commas,
some pad the header or end lines with CRLF, some leave blank lines. Every output file has
the header `date,store,sales`, comma separators, a dot as decimal separator and one row per
day. Files with fewer than --min_rows data rows are left out (a shop that was closed most of
the week would skew the scores). Standard library only.

Usage: python prep.py --raw <folder> --out <folder> [--min_rows N]
"""

import argparse
import csv
import io
import sys
from pathlib import Path

COLUMNS = ("date", "store", "sales")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", required=True, help="folder with the raw *.csv exports")
    parser.add_argument("--out", required=True, help="folder to write the clean files to")
    parser.add_argument("--min_rows", type=int, default=1, help="minimum data rows per file")
    return parser.parse_args(argv)


def read_rows(path):
    """Returns the data rows of one export as (date, store, sales) tuples."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return []
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
    index = {name: header.index(name) for name in COLUMNS}
    rows = []
    for number, fields in enumerate(reader, start=2):
        fields = [value.strip() for value in fields]
        raw_sales = fields[index["sales"]]
        if delimiter == ";":
            raw_sales = raw_sales.replace(".", "").replace(",", ".")
        try:
            sales = float(raw_sales)
        except ValueError:
            raise ValueError(f"{path.name}:{number}: sales {raw_sales!r} is not a number") from None
        rows.append((fields[index["date"]], fields[index["store"]].upper(), sales))
    return sorted(rows)


def write_rows(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for date, store, sales in rows:
            writer.writerow((date, store, f"{sales:.2f}"))


def main(argv=None):
    args = parse_args(argv)
    raw, out = Path(args.raw), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    for source in sorted(raw.glob("*.csv")):
        rows = read_rows(source)
        if len(rows) < args.min_rows:
            print(f"skip {source.name}: {len(rows)} row(s) < --min_rows {args.min_rows}")
            skipped += 1
            continue
        write_rows(out / source.name, rows)
        print(f"wrote {source.name}: {len(rows)} row(s)")
        written += 1
    print(f"prep: {written} file(s) written, {skipped} skipped")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
