"""Benchmark: the instructor reports over 10,000 learners in each of 10 modules.

Run: python bench/bench_reports.py [--learners 10000] [--modules 10] [--heartbeats 24]
     [--runs 7] [--postgresql URL] [--no-sqlite]
Generates, with bulk inserts (COPY on PostgreSQL), every learner enrolled in every module:
lesson events with seat time (``--heartbeats`` rows per learner who starts, interleaved in
time with everyone else's, as the app writes them), post-test attempts with grades and
some regrades, worksheets and reviews, evaluations and completions. Module ``m1`` has two
versions (a tenth of its learners on 1.0.0, the rest on 1.1.0). Then, in process through
Flask's test client signed in as an administrator: the median time of the report pages
and exports, with the SQL statements each sends, and the peak Python memory (tracemalloc)
of streaming the learners CSV of 1,000 and of 10,000 learners. Runs on a temporary SQLite
file, and on a throwaway PostgreSQL database when ``--postgresql`` or
``COURSEKIT_TEST_DATABASE_URL`` gives a server URL. Also a part of ``python -m bench``
(``run``), with fewer learners and modules.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import event, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import POSTGRESQL_URL, database, postgresql_version
from bench.figures import Figure
from bench.focused import run_script
from bench.report_data import Generator, bulk_insert
from coursekit import create_app, db
from coursekit.accounts import operations
from coursekit.accounts.models import Role
from coursekit.packages.models import ModuleVersion
from coursekit.packages.publishing import publish_packages
from coursekit.progress.reports.queries import PAGE_SIZE
from tests.package_factory import manifest, write_package

PASSWORD = "benchmark passphrase 2026"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# -- the app and its data -------------------------------------------------------------------


def make_packages(root: Path, modules: int) -> None:
    for number in range(modules):
        write_package(root, f"m{number}")


def build(url: str, root: Path, args: argparse.Namespace) -> Any:
    """An app on ``url`` with the modules published (``m1`` twice) and every record
    generated; prints how long generating took and how many rows it wrote."""
    make_packages(root, args.modules)
    app = create_app(
        {
            "COURSEKIT_DATABASE_URL": url,
            "COURSEKIT_SECRET_KEY": "bench",
            "COURSEKIT_MODULES_PATH": str(root / "modules"),
            "COURSEKIT_LOGIN_LIMIT_PER_IP": "100000 per minute",
            "COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        }
    )
    (root / "modules" / "m1" / "module.yaml").write_text(
        yaml.safe_dump(manifest("m1", version="1.1.0"), sort_keys=False)
    )
    publish_packages(app)
    with app.app_context():
        admin = operations.register_user(
            email="admin@example.org",
            password=PASSWORD,
            first_name="Ada",
            last_name="Admin",
            roles=(Role.ADMIN,),
        )
        db.session.commit()
        versions: dict[str, list[int]] = {}
        for row in db.session.scalars(select(ModuleVersion).order_by(ModuleVersion.id)):
            versions.setdefault(row.module_id, []).append(row.id)
        admin_id = admin.id
    started = time.perf_counter()
    generator = Generator(args.learners, versions, args.heartbeats)
    generator.enrolments(generator.users(admin_id + 1), admin_id)
    built = time.perf_counter() - started
    bulk_insert(app.extensions["coursekit"].db.engine, generator.rows)
    engine = app.extensions["coursekit"].db.engine
    if engine.dialect.name == "postgresql":
        # What autovacuum does to a table that only grows (PostgreSQL 13 and later): the
        # statistics, and the visibility map that lets a scan read the index alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    total = sum(len(rows) for rows in generator.rows.values())
    print(
        f"Generated {total:,} rows in {time.perf_counter() - started:.1f} s "
        f"({built:.1f} s building them in Python):"
    )
    for table, rows in generator.rows.items():
        print(f"- {table}: {len(rows):,}")
    return app


# -- measuring ------------------------------------------------------------------------------


def signed_in(app: Any) -> Any:
    client = app.test_client()
    token = _CSRF.search(client.get("/login").text).group(1)
    data = {"csrf_token": token, "email": "admin@example.org", "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 302
    return client


class Statements:
    """Counts the SQL statements the app sends (transaction control aside)."""

    def __init__(self, app: Any) -> None:
        self.count = 0
        event.listen(app.extensions["coursekit"].db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_NOT_QUERIES):
            self.count += 1


def drain(client: Any, url: str) -> tuple[int, int]:
    """GET ``url`` and read its streamed body chunk by chunk, keeping none: its bytes and
    its lines less the header (the data rows, when no cell holds a line break)."""
    response = client.get(url, buffered=False)
    assert response.status_code == 200, (url, response.status_code)
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    response.close()
    return size, lines - 1


def timed(
    label: str, action: Callable[[], object], runs: int, statements: Statements
) -> tuple[float, int]:
    """Print the median wall time of ``action`` over ``runs`` (after one warm-up run) and
    the statements one run sends; returns both."""
    action()
    times = []
    for _ in range(runs):
        statements.count = 0
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    print(f"| {label} | {median:.1f} | {min(times):.1f} | {max(times):.1f} | {statements.count} |")
    return median, statements.count


def peak_memory(action: Callable[[], object]) -> tuple[int, object]:
    """The peak of Python allocations while ``action`` runs, and what it returned."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = action()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def measure(app: Any, runs: int, learners: int, backend: str) -> list[Figure]:
    """Time every page and export, and the learners CSV's memory; prints them and returns
    the figures, each measure named after ``backend``."""
    client = signed_in(app)
    statements = Statements(app)
    with app.app_context():
        enrolment = db.session.scalar(text("SELECT max(enrolment_id) FROM coursekit_attempt"))
    learners_csv = "/teach/modules/m0/report/1.0.0/learners.csv"
    middle = max(1, learners // PAGE_SIZE // 2)
    first_page, later_page = "learners list, page 1", f"learners list, page {middle}"
    pages: list[tuple[str, Callable[[], object]]] = [
        (
            f"report, m0 (1 version, all {learners:,} learners)",
            lambda: client.get("/teach/modules/m0/report"),
        ),
        ("report, m1 (2 versions: 1/10 and 9/10)", lambda: client.get("/teach/modules/m1/report")),
        (first_page, lambda: client.get("/teach/modules/m0/report/1.0.0/learners")),
        (
            later_page,
            lambda: client.get(f"/teach/modules/m0/report/1.0.0/learners?page={middle}"),
        ),
        (
            "learner record (a learner with attempts)",
            lambda: client.get(f"/teach/enrolments/{enrolment}"),
        ),
        (
            "events CSV, that learner",
            lambda: drain(client, f"/teach/enrolments/{enrolment}/events.csv"),
        ),
        (f"learners CSV, m0 (all {learners:,} learners)", lambda: drain(client, learners_csv)),
    ]
    print("\n| request | median ms | min ms | max ms | statements |")
    print("|---|---:|---:|---:|---:|")
    figures, medians = [], {}
    for label, action in pages:
        response = action()
        if not isinstance(response, tuple):
            assert response.status_code == 200, (label, response.status_code)
        medians[label], count = timed(label, action, runs, statements)
        # A later page of learners should cost what the first does.
        first = ("page 1", medians[first_page]) if label == later_page else ()
        figures += [
            Figure("reports", f"{backend}, {label}: median", medians[label], "ms", *first),
            Figure("reports", f"{backend}, {label}: SQL statements", count, "queries"),
        ]

    print("\n| learners CSV streamed | rows | bytes | peak Python memory |")
    print("|---|---:|---:|---:|")
    peaks: dict[int, float] = {}
    for label, url in (
        ("m1 1.0.0", "/teach/modules/m1/report/1.0.0/learners.csv"),
        ("m0 1.0.0", learners_csv),
    ):
        drain(client, url)  # compile the statement and fill caches before measuring
        peak, (size, rows) = peak_memory(lambda url=url: drain(client, url))
        print(f"| {label} | {rows:,} | {size:,} | {peak / 1024:.0f} KiB |")
        peaks[rows] = peak / 1024
    # Not compared with the smaller CSV: below the 500 rows fetched at a time, memory
    # grows with the rows, so the comparison shows streaming only at 1,000 rows and more.
    most = max(peaks)
    memory = f"{backend}, learners CSV of {most:,} rows: peak Python memory"
    return [*figures, Figure("reports", memory, peaks[most], "KiB")]


# -- databases ------------------------------------------------------------------------------


def on(backend: str, args: argparse.Namespace) -> list[Figure]:
    """Generate the records on a throwaway database of ``backend`` and measure."""
    with (
        tempfile.TemporaryDirectory() as folder,
        database(backend, Path(folder), args.postgresql or POSTGRESQL_URL) as url,
    ):
        print(f"\n## {BACKENDS[backend]}\n")
        app = build(url, Path(folder), args)
        figures = measure(app, args.runs, args.learners, BACKENDS[backend])
        app.extensions["coursekit"].db.engine.dispose()
    return figures


def parser() -> argparse.ArgumentParser:
    """The command line: sizes, runs and databases."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--learners", type=int, default=10_000, help="learners (each in every module)"
    )
    parser.add_argument("--modules", type=int, default=10)
    parser.add_argument(
        "--heartbeats", type=int, default=24, help="seat-time rows per learner who starts"
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per request")
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("COURSEKIT_TEST_DATABASE_URL"),
        help="a PostgreSQL server URL (default: COURSEKIT_TEST_DATABASE_URL)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    return parser


def benchmark(args: argparse.Namespace) -> list[Figure]:
    """Measure on SQLite and on PostgreSQL (unless left out), print the figures and
    return them."""
    started = time.perf_counter()
    figures = []
    if not args.no_sqlite:
        figures += on("sqlite", args)
    if args.postgresql:
        figures += on("postgresql", args)
    print(f"\n(total run {time.perf_counter() - started:.0f} s)")
    return figures


def run(options: argparse.Namespace) -> list[Figure]:
    """The suite's part: 2,000 learners in 2 modules (500 with ``--quick``), 5 runs per
    request, on SQLite and, when its server answers, PostgreSQL."""
    learners = "500" if options.quick else "2000"
    arguments = ["--learners", learners, "--modules", "2", "--runs", "5"]
    if postgresql_version() is not None:
        arguments += ["--postgresql", POSTGRESQL_URL]
    return run_script(benchmark, parser(), arguments)


def main() -> None:
    command = parser()
    args = command.parse_args()
    if args.modules < 2:
        command.error("--modules must be at least 2 (m1 has two versions)")
    benchmark(args)


if __name__ == "__main__":
    main()
