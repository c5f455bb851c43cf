"""Where a page's time goes: cProfile over requests through Flask's test client.

Run: python -m bench.profile_pages [--page lesson] [--requests 300] [--top 30]

Builds the throughput part's instance in process (SQLite, the bundled modules, one
signed-in reader), requests the page a few times to warm up, then profiles ``--requests``
more and prints the functions with the most time of their own and the most time below
them. The throughput part calls ``profile_page`` itself when the lesson page is below its
target.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import tempfile
from pathlib import Path

from flask import Flask

from bench.databases import prepare
from bench.throughput_data import PASSWORD, SETTINGS, Records, write_records

PAGES = {
    "lesson": lambda records: records.lesson_path,
    "dashboard": lambda records: "/dashboard",
    "catalogue": lambda records: "/modules",
    "verification": lambda records: f"/verify/{records.certificate_code}",
}


def profile_page(app: Flask, email: str, path: str, requests: int, top: int) -> str:
    """The profile of ``requests`` GETs of ``path`` by ``email`` (signed in through the
    login form), sorted by own time and by cumulative time, ``top`` lines each."""
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text)
    assert token, "no CSRF token on /login"
    client.post("/login", data={"csrf_token": token.group(1), "email": email, "password": PASSWORD})
    for _ in range(10):
        status = client.get(path).status_code
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    print(f"{requests} requests of {path}", file=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def instance(folder: Path) -> tuple[Flask, Records]:
    """The throughput part's instance, small: one reader, one taker, one certificate."""
    app = prepare(f"sqlite:///{folder / 'coursekit.sqlite3'}", folder, **SETTINGS)
    return app, write_records(app, readers=1, takers=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--page", choices=sorted(PAGES), default="lesson")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, records = instance(Path(folder))
        path = PAGES[options.page](records)
        print(profile_page(app, records.readers[0], path, options.requests, options.top))
        app.extensions["coursekit"].db.engine.dispose()


if __name__ == "__main__":
    main()
