"""``python -m bench``: run the benchmark suite and print one table of figures.

Each part is a module with ``run(options) -> list[Figure]``; see bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from bench.databases import postgresql_version
from bench.figures import Figure, machine, table

PARTS = {
    "throughput": "bench.throughput",
    "load": "bench.load_scenario",
    "scale": "bench.data_scale",
    # The focused benchmarks, in process, one per script (bench/focused.py).
    "pages": "bench.bench_pages",
    "packages": "bench.bench_packages",
    "assessment": "bench.bench_assessment",
    "transcript": "bench.bench_transcript",
    "reports": "bench.bench_reports",
    "certificates": "bench.bench_certificates",
    "api": "bench.bench_api",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only", action="append", choices=sorted(PARTS), help="run only this part (repeatable)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="shorter runs and smaller data, to try the suite"
    )
    parser.add_argument("--output", help="also write the Markdown report to this file")
    options = parser.parse_args(argv)

    started = time.monotonic()
    header = machine(postgresql_version())
    print(header, flush=True)
    figures: list[Figure] = []
    for name in options.only or PARTS:
        part_started = time.monotonic()
        print(f"\n## {name}", flush=True)
        figures.extend(importlib.import_module(PARTS[name]).run(options))
        print(f"({name}: {time.monotonic() - part_started:.0f} s)", flush=True)
    report = f"{header}\n\n{table(figures)}\n\nwhole run: {time.monotonic() - started:.0f} s"
    print("\n" + report)
    if options.output:
        with open(options.output, "w", encoding="utf-8") as file:
            file.write(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
