"""Benchmark: loading 200 module packages, and the catalogue and lesson pages over them.

Run: python bench/bench_packages.py [--packages 200] [--requests 300]
Generates packages (two lessons with a figure and a callout, a 10-question post-test)
in a temporary folder, then prints: a cold load of all of them from disk, publishing
them (packing each into the database), loading one back from its stored archive, the
catalogue, module and lesson pages with every package cached, and rendering one lesson's
Markdown uncached against the cached page. Medians of wall time on this machine. Also a
part of ``python -m bench`` (``run``), with fewer requests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure
from bench.focused import request_figures, run_script
from coursekit import create_app, db
from coursekit.accounts import operations
from coursekit.packages import markdown
from coursekit.packages.archive import load_zip
from coursekit.packages.library import Library
from coursekit.packages.models import ModuleVersion
from coursekit.packages.sources import Limits
from tests.package_factory import write_package

PASSWORD = "benchmark passphrase 2026"


def timed(action, repeat: int = 1) -> float:
    """Median milliseconds of ``repeat`` runs of ``action``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def page_times(app, client, url: str, requests: int) -> tuple[float, float, int]:
    from sqlalchemy import event

    engine = app.extensions["coursekit"].db.engine
    statements: list[str] = []

    def count(_c, _cur, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    event.listen(engine, "before_cursor_execute", count)
    client.get(url)
    event.remove(engine, "before_cursor_execute", count)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(statements)


def heartbeat_times(client, token: str, requests: int) -> tuple[float, float]:
    """POST heartbeats to one lesson; each credits the (tiny) time since the last."""
    url = "/modules/module-000/lessons/01-anatomy/heartbeat"
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.post(url, data={"csrf_token": token})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def parser() -> argparse.ArgumentParser:
    """The command line: how many packages, and requests per page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    return parser


def benchmark(args: argparse.Namespace) -> list[Figure]:
    """Measure loading, publishing and the pages, print them, and return the figures."""
    with tempfile.TemporaryDirectory() as folder:
        return _benchmark(Path(folder), args)


def _benchmark(root: Path, args: argparse.Namespace) -> list[Figure]:
    for number in range(args.packages):
        write_package(root, f"module-{number:03d}")
    modules = root / "modules"

    cold = timed(lambda: Library([modules], Limits()).scan(), repeat=3)
    print(
        f"cold load of {args.packages} packages from disk: {cold:.0f} ms "
        f"({cold / args.packages:.2f} ms per package)"
    )
    figures = [Figure("packages", "cold load from disk, per package", cold / args.packages, "ms")]

    settings = {
        "COURSEKIT_DATABASE_URL": f"sqlite:///{root / 'bench.sqlite3'}",
        "COURSEKIT_SECRET_KEY": "bench",
        "COURSEKIT_MODULES_PATH": str(modules),
        "COURSEKIT_LOGIN_LIMIT_PER_IP": "100000 per minute",
        "COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        "COURSEKIT_HEARTBEAT_LIMIT": "100000 per minute",
    }
    start = time.perf_counter()
    app = create_app(settings)
    publish = (time.perf_counter() - start) * 1000
    print(f"first start: migrate, load and publish {args.packages} packages: {publish:.0f} ms")
    restart = timed(lambda: create_app(settings), repeat=3)
    print(f"later start (load, nothing new to publish): {restart:.0f} ms")
    figures += [
        Figure("packages", f"first start: migrate, load, publish {args.packages}", publish, "ms"),
        Figure("packages", "later start: load, nothing new to publish", restart, "ms"),
    ]

    with app.app_context():
        version = db.session.query(ModuleVersion).first()
        archive = db.session.query(ModuleVersion.archive).filter_by(id=version.id).scalar()
        operations.register_user(
            email="learner@example.org", password=PASSWORD, first_name="L", last_name="Learner"
        )
        db.session.commit()
    from_archive = timed(lambda: load_zip(archive, "bench"), repeat=20)
    print(f"load one package from its stored archive (a cache miss): {from_archive:.2f} ms")
    figures.append(Figure("packages", "one package from its stored archive", from_archive, "ms"))

    client = app.test_client()
    token = client.get("/login").text.split('name="csrf_token" type="hidden" value="')[1]
    client.post(
        "/login",
        data={
            "csrf_token": token.split('"')[0],
            "email": "learner@example.org",
            "password": PASSWORD,
        },
    )
    enrolled = min(20, args.packages)
    for number in range(enrolled):
        page = client.get(f"/modules/module-{number:03d}").text
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        enrol = f"/modules/module-{number:03d}/enrol"
        client.post(enrol, data={"csrf_token": token, "accept": "y"})

    print()
    print(
        f"| page (signed-in learner, {args.packages} modules cached) "
        "| median ms | p95 ms | queries |"
    )
    print("|---|---:|---:|---:|")
    for label, url in (
        (f"catalogue ({args.packages} cards)", "/modules"),
        ("catalogue, filtered by muscle", "/modules?muscle=soleus&q=module-1"),
        ("module page", "/modules/module-000"),
        ("lesson page", "/modules/module-000/lessons/01-anatomy"),
        (f"dashboard ({enrolled} enrolments)", "/dashboard"),
    ):
        median, p95, queries = page_times(app, client, url, args.requests)
        print(f"| {label} | {median:.2f} | {p95:.2f} | {queries} |")
        figures += request_figures("packages", label, median, p95, queries)
    median, p95 = heartbeat_times(client, token, args.requests)
    print(f"| lesson heartbeat (POST, credits seat time) | {median:.2f} | {p95:.2f} | |")
    figures += request_figures("packages", "lesson heartbeat (POST)", median, p95)

    library = app.extensions["coursekit"].library
    package = library.get(version.content_hash)
    lesson = package.lessons[0]
    uncached = timed(lambda: markdown.render(lesson.body, lambda name: f"/m/{name}"), 200)
    cached = timed(lambda: library.lesson_html(package, lesson, lambda name: f"/m/{name}"), 200)
    print()
    print(
        f"lesson Markdown render + sanitise: {uncached:.3f} ms uncached, "
        f"{cached:.4f} ms from the cache"
    )
    app.extensions["coursekit"].db.engine.dispose()
    figures.append(
        Figure("packages", "lesson Markdown, cached", cached, "ms", "uncached render", uncached)
    )
    return figures


def run(options: argparse.Namespace) -> list[Figure]:
    """The suite's part: 200 packages and 50 requests per page (50 and 20 with
    ``--quick``)."""
    sizes = ["50", "20"] if options.quick else ["200", "50"]
    return run_script(benchmark, parser(), ["--packages", sizes[0], "--requests", sizes[1]])


def main() -> None:
    benchmark(parser().parse_args())


if __name__ == "__main__":
    main()
