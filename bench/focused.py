"""The focused benchmarks (``bench/bench_*.py``) as parts of ``python -m bench``.

Each script measures one area in process and prints its own tables; its ``benchmark(args)``
also returns the key figures. Run from the command line, ``main()`` calls it with the
arguments given; as a part of the suite, ``run(options)`` calls it through ``run_script``
with the sizes the script names for a normal and a quick run.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from bench.figures import Figure

Benchmark = Callable[[argparse.Namespace], list[Figure]]


def run_script(
    benchmark: Benchmark, parser: argparse.ArgumentParser, arguments: list[str]
) -> list[Figure]:
    """``benchmark`` with ``arguments`` parsed as its command line, in a new interpreter.

    A fresh process (spawned, not forked) makes the figures the script's own: the first
    PDF pays for importing WeasyPrint, resident and peak memory are not the suite's, and
    the settings a script puts in ``os.environ`` stay in its process.
    """
    script = benchmark.__module__.replace(".", "/") + ".py"
    print(f"$ python {shlex.join([script, *arguments])}", flush=True)
    args = parser.parse_args(arguments)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as process:
        return process.submit(_flushed, benchmark, args).result()


def _flushed(benchmark: Benchmark, args: argparse.Namespace) -> list[Figure]:
    # The child's printout must be out before the suite prints its next line.
    try:
        return benchmark(args)
    finally:
        sys.stdout.flush()


def request_figures(
    part: str,
    label: str,
    median_ms: float,
    p95_ms: float,
    queries: int | None = None,
    reference: tuple[str, float] | None = None,
) -> list[Figure]:
    """The figures of one request or operation: median and p95 time, and the SQL
    statements it sends when counted; ``reference`` (what, median ms) is what the median
    is compared with, if anything."""
    figures = [
        Figure(part, f"{label}: median", median_ms, "ms", *(reference or ())),
        Figure(part, f"{label}: p95", p95_ms, "ms"),
    ]
    if queries is not None:
        figures.append(Figure(part, f"{label}: SQL statements", queries, "queries"))
    return figures
