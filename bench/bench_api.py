"""Benchmark: the JSON API beside the pages it mirrors, in process, on SQLite.

Run: python bench/bench_api.py [--requests 300]
With the four bundled seminars published and one learner enrolled in the foundations
seminar (by the API, with a token), prints for each pair the median and 95th-percentile
time per request and the SQL statements one request sends: the catalogue, a module, the
learner's enrolments (the dashboard), the transcript, and the lesson heartbeat (a
write); then the OpenAPI document, served from memory after its first build. Figures
are for comparison between commits on the same machine, not a load test. Also a part of
``python -m bench`` (``run``), with fewer requests.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_pages import PASSWORD, measure, signed_in_client
from bench.figures import Figure
from bench.focused import request_figures, run_script
from coursekit import create_app, db
from coursekit.accounts import operations
from coursekit.api.tokens.models import TokenKind
from coursekit.api.tokens.operations import create_token
from coursekit.attestation.queries import current_attestation
from coursekit.db import utcnow
from coursekit.packages.queries import current_versions, package_for

ROOT = Path(__file__).resolve().parent.parent
FOUNDATIONS = "trigger-point-foundations"
"""The seminar the others need completed first: the learner enrols in it."""
Send = Callable[[], Any]
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def build_app(folder: Path):
    """The platform with the bundled seminars, and a learner (the admin@ address that
    ``bench_pages.signed_in_client`` signs in) holding a read and write token."""
    app = create_app(
        {
            "COURSEKIT_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "COURSEKIT_SECRET_KEY": "bench",
            "COURSEKIT_MODULES_PATH": str(ROOT / "modules"),
            "COURSEKIT_PUBLISH_ON_START": True,
            "COURSEKIT_API_LIMIT": "1000000 per minute",
            "COURSEKIT_HEARTBEAT_LIMIT": "1000000 per minute",
            "COURSEKIT_LOGIN_LIMIT_PER_IP": "100000 per minute",
            "COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        }
    )
    with app.app_context():
        learner = operations.register_user(
            email="admin@example.org", password=PASSWORD, first_name="Mei", last_name="Lin"
        )
        _, token = create_token(
            learner,
            name="bench",
            kind=TokenKind.PERSONAL,
            scopes=("read", "write"),
            expires_at=utcnow() + timedelta(days=1),
            actor=learner,
            now=utcnow(),
        )
        lesson = (FOUNDATIONS, package_for(current_versions()[FOUNDATIONS]).lessons[0].slug)
        shown = current_attestation().version
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"accept_attestation": True, "attestation_version": shown}
    enrolled = app.test_client().post(
        f"/api/v1/modules/{FOUNDATIONS}/enrol", json=body, headers=headers
    )
    assert enrolled.status_code == 201, enrolled.text
    return app, headers, lesson


def pairs(app, headers: dict[str, str], lesson: tuple[str, str]):
    """(label, send) for each API request and the page it mirrors."""
    api, anonymous, page = app.test_client(), app.test_client(), signed_in_client(app)
    lesson_url = f"/modules/{lesson[0]}/lessons/{lesson[1]}"
    token = _CSRF.search(page.get(lesson_url).text).group(1)
    beat = {"data": {"csrf_token": token}, "headers": {"Accept": "application/json"}}
    return [
        ("catalogue: API", lambda: anonymous.get("/api/v1/modules")),
        ("catalogue: page", lambda: anonymous.get("/modules")),
        ("module: API", lambda: anonymous.get(f"/api/v1/modules/{FOUNDATIONS}")),
        ("module: page", lambda: anonymous.get(f"/modules/{FOUNDATIONS}")),
        ("my enrolments: API", lambda: api.get("/api/v1/enrolments", headers=headers)),
        ("dashboard: page", lambda: page.get("/dashboard")),
        ("transcript: API", lambda: api.get("/api/v1/transcript", headers=headers)),
        ("transcript: page", lambda: page.get("/transcript")),
        (
            "heartbeat: API",
            lambda: api.post(f"/api/v1{lesson_url}/heartbeat", json={}, headers=headers),
        ),
        ("heartbeat: page", lambda: page.post(f"{lesson_url}/heartbeat", **beat)),
        ("openapi.json", lambda: anonymous.get("/api/v1/openapi.json")),
    ]


def parser() -> argparse.ArgumentParser:
    """The command line: how many requests per measure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    return parser


def benchmark(args: argparse.Namespace) -> list[Figure]:
    """Measure each pair, print them, and return the figures."""
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        app, headers, lesson = build_app(Path(folder))
        print(f"{'request':<24}{'median ms':>10}{'p95 ms':>9}{'req/s':>9}{'queries':>9}")
        for label, send in pairs(app, headers, lesson):
            median, p95, queries = measure(app, send, args.requests)
            timing = f"{median * 1e3:>10.2f}{p95 * 1e3:>9.2f}{1 / median:>9.0f}"
            print(f"{label:<24}{timing}{queries:>9}")
            figures += request_figures("api", label, median * 1e3, p95 * 1e3, queries)
        app.extensions["coursekit"].db.engine.dispose()
    return figures


def run(options: argparse.Namespace) -> list[Figure]:
    """The suite's part: 150 requests a measure (40 with ``--quick``)."""
    return run_script(benchmark, parser(), ["--requests", "40" if options.quick else "150"])


def main() -> None:
    benchmark(parser().parse_args())


if __name__ == "__main__":
    main()
