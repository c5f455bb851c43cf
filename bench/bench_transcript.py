"""Benchmark: the learner's CE transcript page, CSV and PDF, in process, on SQLite.

Run: python bench/bench_transcript.py [--completions 20] [--requests 30]
Publishes one module per completion (each with NCCAOM points in two categories and
California hours), records a completion of each for one learner with an accented name and
two state licences, then prints the median and 95th-percentile time per request of the
transcript page, its CSV and its PDF, the SQL statements each sends, the PDF's size and
pages, the first PDF of the process (which imports WeasyPrint and loads the fonts) and
the process's peak memory before and after it. Also says whether WeasyPrint subsets fonts
with HarfBuzz-Subset or with fontTools, the slower path it falls back to. Also a part of
``python -m bench`` (``run``), with fewer requests.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure
from bench.focused import request_figures, run_script
from coursekit import create_app, db
from coursekit.accounts import operations
from coursekit.accounts.models import StateLicence
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion
from tests.package_factory import write_package

PASSWORD = "benchmark passphrase 2026"
EMAIL = "zoe@example.org"
CREDITS = [
    {"board": "NCCAOM", "course_number": "PDA-602-113", "points": {"AOM-AC": 1.5, "SA": 0.5}},
    {"board": "CA", "provider_number": "CEP-1234", "category": "1", "hours": 2},
]


def build_app(folder: Path, completions: int):
    for number in range(completions):
        title = f"Trigger points {number}: soleus and the Achilles tendon"
        write_package(folder, f"module-{number}", title=title, credits=CREDITS)
    app = create_app(
        {
            "COURSEKIT_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "COURSEKIT_SECRET_KEY": "bench",
            "COURSEKIT_MODULES_PATH": str(folder / "modules"),
            "COURSEKIT_LOGIN_LIMIT_PER_IP": "100000 per minute",
            "COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
            # The per-learner PDF limit (10 a minute) would refuse the timed downloads.
            "COURSEKIT_PDF_LIMIT": "100000 per minute",
        }
    )
    with app.app_context():
        learner = operations.register_user(
            email=EMAIL,
            password=PASSWORD,
            first_name="Zoë",
            last_name="Ångström-Núñez",
            nccaom_id="123456",
        )
        for state in ("CA", "TX"):
            db.session.add(StateLicence(user=learner, state=state, number=f"{state}-4711"))
        start = datetime(2025, 1, 6, 15, tzinfo=UTC)
        versions = db.session.scalars(select(ModuleVersion.id).order_by(ModuleVersion.id))
        for number, version_id in enumerate(versions):
            completed_at = start + timedelta(days=9 * number)
            db.session.add(
                Completion(
                    user_id=learner.id, module_version_id=version_id, completed_at=completed_at
                )
            )
        db.session.commit()
    return app


def signed_in_client(app):
    client = app.test_client()
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    return client


def measure(app, client, url: str, requests: int) -> tuple[float, float, float, int, bytes]:
    """Median and p95 milliseconds, median CPU milliseconds (steadier than wall time on
    a shared machine), the statements of the last request, and its body."""
    engine = app.extensions["coursekit"].db.engine
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    timings, cpu = [], []
    for n in range(requests):
        if n == requests - 1:
            event.listen(engine, "before_cursor_execute", count)
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    event.remove(engine, "before_cursor_execute", count)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    return statistics.median(timings), p95, statistics.median(cpu), len(statements), response.data


def resident_mb() -> float:
    """The process's resident memory now (Linux)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def parser() -> argparse.ArgumentParser:
    """The command line: how many completions, and requests per download."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--completions", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    return parser


def benchmark(args: argparse.Namespace) -> list[Figure]:
    """Measure the first PDF and the three requests, print them, and return the figures."""
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder), args.completions)
        client = signed_in_client(app)
        assert client.get("/transcript").status_code == 200  # templates and packages warm
        before = resident_mb()
        start = time.perf_counter()
        assert client.get("/transcript.pdf").status_code == 200
        first_pdf = (time.perf_counter() - start) * 1000
        after = resident_mb()
        from weasyprint.text.ffi import harfbuzz_subset

        subsetter = "HarfBuzz-Subset" if harfbuzz_subset is not None else "fontTools"
        print(f"{args.completions} completions; fonts subset with {subsetter}")
        print(f"first PDF of the process (imports WeasyPrint): {first_pdf:.0f} ms")
        print(f"resident memory: {before:.0f} MB before the first PDF, {after:.0f} MB after")
        figures = [
            Figure("transcript", f"first PDF of a process ({subsetter})", first_pdf, "ms"),
            Figure(
                "transcript", "resident memory after the first PDF", after, "MB", "before", before
            ),
        ]
        print(
            f"{'request':<18}{'median ms':>10}{'p95 ms':>9}{'cpu ms':>8}{'req/s':>7}"
            f"{'queries':>8}{'bytes':>8}"
        )
        cpu_ms = {}
        for label, url in (
            ("transcript page", "/transcript"),
            ("CSV download", "/transcript.csv"),
            ("PDF download", "/transcript.pdf"),
        ):
            median, p95, cpu_ms[label], queries, body = measure(app, client, url, args.requests)
            print(
                f"{label:<18}{median:>10.2f}{p95:>9.2f}{cpu_ms[label]:>8.2f}{1000 / median:>7.0f}"
                f"{queries:>8}{len(body):>8}"
            )
            figures += request_figures("transcript", label, median, p95, queries)
        # CPU time is steadier than wall time on a shared machine; the page is the same
        # records as HTML, so it shows what the PDF's layout costs.
        page_cpu = cpu_ms["transcript page"]
        for label in ("CSV download", "PDF download"):
            figures.append(
                Figure("transcript", f"{label}: CPU median", cpu_ms[label], "ms", "page", page_cpu)
            )
        from pypdf import PdfReader

        print(f"PDF pages: {len(PdfReader(io.BytesIO(body)).pages)}")
        app.extensions["coursekit"].db.engine.dispose()
    return figures


def run(options: argparse.Namespace) -> list[Figure]:
    """The suite's part: 20 completions, 10 requests each (3 with ``--quick``)."""
    requests = "3" if options.quick else "10"
    return run_script(benchmark, parser(), ["--completions", "20", "--requests", requests])


def main() -> None:
    benchmark(parser().parse_args())


if __name__ == "__main__":
    main()
