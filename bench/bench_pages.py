"""Benchmark: per-request time of the foundation's pages, in process, on SQLite.

Run: python bench/bench_pages.py [--requests 500]
Prints the median and 95th-percentile time per request and the SQL statements each page
costs, plus the cost of one password hash (the price of a sign-in). Figures are for
comparison between commits on the same machine, not a load test. Also a part of
``python -m bench`` (``run``), with fewer requests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure
from bench.focused import request_figures, run_script
from coursekit import create_app, db
from coursekit.accounts import operations
from coursekit.accounts.models import Role, StateLicence
from coursekit.accounts.passwords import hash_password

PASSWORD = "benchmark passphrase 2026"


def build_app(folder: Path):
    app = create_app(
        {
            "COURSEKIT_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "COURSEKIT_SECRET_KEY": "bench",
            "COURSEKIT_LOGIN_LIMIT_PER_IP": "100000 per minute",
            "COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        }
    )
    with app.app_context():
        admin = operations.register_user(
            email="admin@example.org",
            password=PASSWORD,
            first_name="A",
            last_name="Admin",
            roles=[Role.ADMIN],
        )
        for state in ("CA", "TX", "FL", "NY"):
            db.session.add(StateLicence(user=admin, state=state, number=f"{state}-1"))
        db.session.commit()
    return app


def signed_in_client(app):
    client = app.test_client()
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login", data={"csrf_token": token, "email": "admin@example.org", "password": PASSWORD}
    )
    return client


def measure(app, send: Callable[[], Any], requests: int) -> tuple[float, float, int]:
    """Median and p95 seconds per request ``send`` makes (each must answer 200), and the
    SQL statements the last one sent."""
    statements = []
    engine = app.extensions["coursekit"].db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    timings = []
    for n in range(requests):
        if n == requests - 1:
            event.listen(engine, "before_cursor_execute", listener)
        start = time.perf_counter()
        response = send()
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (response.request.path, response.status_code)
    event.remove(engine, "before_cursor_execute", listener)
    queries = [s for s in statements if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)], len(queries)


def parser() -> argparse.ArgumentParser:
    """The command line: how many requests per page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    return parser


def benchmark(args: argparse.Namespace) -> list[Figure]:
    """Measure every page and the password hash, print them, and return the figures."""
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        anonymous, signed_in = app.test_client(), signed_in_client(app)
        print(f"{'page':<28}{'median ms':>10}{'p95 ms':>9}{'req/s':>9}{'queries':>9}")
        for label, client, url in (
            ("home (anonymous)", anonymous, "/"),
            ("login form", anonymous, "/login"),
            ("home (signed in)", signed_in, "/"),
            ("CE profile", signed_in, "/account"),
            ("admin user list", signed_in, "/admin/users"),
        ):
            median, p95, queries = measure(app, partial(client.get, url), args.requests)
            print(
                f"{label:<28}{median * 1e3:>10.2f}{p95 * 1e3:>9.2f}{1 / median:>9.0f}{queries:>9}"
            )
            figures += request_figures("pages", label, median * 1e3, p95 * 1e3, queries)
        hashes = []
        with app.app_context():  # the hash method is a setting of the app
            for _ in range(10):
                start = time.perf_counter()
                hash_password(PASSWORD)
                hashes.append(time.perf_counter() - start)
        hash_ms = statistics.median(hashes) * 1e3
        print(f"password hash (scrypt): median {hash_ms:.1f} ms")
        figures.append(Figure("pages", "password hash (scrypt): median", hash_ms, "ms"))
        app.extensions["coursekit"].db.engine.dispose()
    return figures


def run(options: argparse.Namespace) -> list[Figure]:
    """The suite's part: every page with 200 requests (50 with ``--quick``)."""
    return run_script(benchmark, parser(), ["--requests", "50" if options.quick else "200"])


def main() -> None:
    benchmark(parser().parse_args())


if __name__ == "__main__":
    main()
