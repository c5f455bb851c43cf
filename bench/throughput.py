"""Part ``throughput``: CourseKit's pages under gunicorn and wrk, beside a ceiling app.

On a throwaway SQLite instance (the bundled modules published), learners are written
through the models, signed in over HTTP for real session cookies, and each page is
checked (status and content) before wrk loads it for a while with 16 connections and 2
threads against gunicorn with 2 sync workers. The ceiling app (``bench.ceiling_app``:
Flask-Login, one query, a template of the lesson page's exact size) runs in the same run
under the same gunicorn settings. Also: each worker's resident memory after warm-up.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

from flask import Flask

from bench.ceiling_app import build_database
from bench.databases import database, prepare, server_env
from bench.figures import Figure
from bench.profile_pages import profile_page
from bench.servers import Gunicorn, WrkResult, wrk
from bench.throughput_data import PASSWORD, SETTINGS, Records, submitted_count, write_records
from bench.throughput_http import Planned, PrecheckFailed, fetch, rotation_lua, sign_in_all
from bench.throughput_targets import Target, coursekit_targets, precheck

PART = "throughput"
READERS = 64
"""Learners the read pages rotate over: a few dozen lesson events each per run, as a
class would leave, not thousands on one enrolment."""
CONNECTIONS, THREADS = 16, 2
TARGET_SHARE = 0.80
"""The lesson page should serve at least this share of the ceiling's requests/s."""


def _takers(seconds: float) -> int:
    """Open attempts to prepare: every submission needs its own, and a submission costs
    about as much as a page: enough for 300 a second (the run says when it runs out)."""
    return int(seconds * 300) + 100


SERVER_LOG = Path(tempfile.gettempdir()) / "coursekit-throughput-gunicorn.log"


def _load(url: str, target: Target, seconds: float) -> WrkResult:
    """wrk on ``target``; refuses a run in which any response was not the expected one."""
    result = wrk(
        url,
        seconds=seconds,
        connections=CONNECTIONS,
        threads=THREADS,
        script=rotation_lua(target.requests, THREADS, cycle=target.cycle),
        expect_status=target.expect_status,
    )
    wrong = result.status_errors + result.unexpected + result.socket_errors
    if wrong:
        raise PrecheckFailed(
            f"{target.name}: {wrong} of {result.requests} responses were not "
            f"{target.expect_status} (status errors {result.status_errors}, other statuses "
            f"{result.unexpected}, socket errors {result.socket_errors}); server log: "
            f"{SERVER_LOG}"
        )
    print(
        f"  {target.name:<36} {result.per_second:>7.0f} req/s  p50 {result.p50_ms:6.2f}  "
        f"p95 {result.p95_ms:6.2f}  p99 {result.p99_ms:6.2f} ms  ({result.requests} requests)",
        flush=True,
    )
    return result


def _ceiling_target(url: str, users: int, page_bytes: int) -> Target:
    """The ceiling page, spread over ``users`` signed-in users like the lesson page."""
    cookies = []
    for user_id in range(1, users + 1):
        reply = fetch(url, f"/login/{user_id}", method="POST")
        cookies.append({"Cookie": reply.headers["set-cookie"].split(";", 1)[0]})

    def exact_size(reply) -> str | None:
        size = len(reply.body)
        return None if size == page_bytes else f"it is {size} bytes, not {page_bytes}"

    return Target("ceiling app page", [Planned("/page", c) for c in cookies], 200, exact_size)


def _figures(results: dict[str, WrkResult], ceiling: WrkResult) -> list[Figure]:
    figures = []
    for name, result in results.items():
        figures.append(
            Figure(
                PART, f"{name}: req/s", result.per_second, "req/s", "ceiling", ceiling.per_second
            )
        )
        for percentile in ("p50", "p95", "p99"):
            value = getattr(result, f"{percentile}_ms")
            reference = getattr(ceiling, f"{percentile}_ms")
            figures.append(
                Figure(
                    PART, f"{name}: {percentile}", value, "ms", f"ceiling {percentile}", reference
                )
            )
    return figures


def _memory(server: Gunicorn, ceiling: Gunicorn) -> list[Figure]:
    """Each CourseKit worker's resident memory, beside the ceiling app's largest worker."""
    reference = max(ceiling.worker_rss_kib()) / 1024
    print(
        f"  ceiling app workers RSS: {[round(k / 1024, 1) for k in ceiling.worker_rss_kib()]} MiB"
    )
    return [
        Figure(
            PART, f"worker {n} RSS after warm-up", kib / 1024, "MiB", "ceiling worker", reference
        )
        for n, kib in enumerate(server.worker_rss_kib(), 1)
    ]


def _warm_up(url: str, target: Target, seconds: float) -> None:
    """Every worker renders the page a while first (templates compiled, caches filled)."""
    script = rotation_lua(target.requests, THREADS, cycle=True)
    wrk(url, seconds=seconds, connections=CONNECTIONS, threads=THREADS, script=script)


def _check_submissions(app: Flask, records: Records, submit: Target, done: int) -> None:
    """Every counted submission closed an attempt of its own: none ran out, none repeated."""
    if done > len(submit.requests):
        raise PrecheckFailed(f"{submit.name}: ran out of open attempts after {done}")
    attempt_ids = [attempt.attempt_id for attempt in records.attempts[1:]]
    closed = submitted_count(app, attempt_ids)
    if closed < done:
        raise PrecheckFailed(f"{submit.name}: {closed} attempts closed for {done} answers")


def run(options: argparse.Namespace) -> list[Figure]:
    """Measure every page and the ceiling; raises ``PrecheckFailed`` on a wrong answer."""
    seconds = 3 if options.quick else 10
    warm_up = 1 if options.quick else 2
    with (
        tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp,
        database("sqlite", Path(tmp)) as url,
    ):
        folder = Path(tmp)
        app = prepare(url, folder, **SETTINGS)
        records = write_records(app, READERS, _takers(seconds))
        print(f"  {READERS} readers, {len(records.attempts)} open attempts written", flush=True)
        env = server_env(url, folder, **SETTINGS)
        # The server's log outlives the run, so a refused run can be looked into.
        with Gunicorn(env, log=SERVER_LOG) as server:
            emails = records.readers + [attempt.email for attempt in records.attempts]
            targets = coursekit_targets(records, sign_in_all(server.url, emails, PASSWORD))
            print(f"  {len(emails)} learners signed in over HTTP", flush=True)
            lesson_bytes = len(precheck(server.url, targets[0]).body)
            for target in targets[1:]:
                precheck(server.url, target)
            # The checked submission closed the first attempt: wrk gets the others.
            targets = [t if t.cycle else replace(t, requests=t.requests[1:]) for t in targets]
            build_database(folder / "ceiling.sqlite3", READERS, lesson_bytes)
            ceiling_env = {"CEILING_DATABASE": str(folder / "ceiling.sqlite3")}
            with Gunicorn(
                ceiling_env, app="bench.ceiling_app:app", log=folder / "ceiling.log"
            ) as top:
                ceiling_target = _ceiling_target(top.url, READERS, lesson_bytes)
                precheck(top.url, ceiling_target)
                print(f"  lesson page {lesson_bytes} bytes; warming up", flush=True)
                _warm_up(top.url, ceiling_target, warm_up)
                for target in targets:
                    if target.cycle:
                        _warm_up(server.url, target, warm_up)
                figures = _memory(server, top)
                ceiling = _load(top.url, ceiling_target, seconds)
                results = {target.name: _load(server.url, target, seconds) for target in targets}
            submit = next(target for target in targets if not target.cycle)
            _check_submissions(app, records, submit, results[submit.name].requests)
        share = results[targets[0].name].per_second / ceiling.per_second
        print(f"  lesson page: {share:.0%} of the ceiling (target {TARGET_SHARE:.0%})", flush=True)
        if share < TARGET_SHARE:
            print(profile_page(app, records.readers[0], records.lesson_path, 200, 15), flush=True)
        app.extensions["coursekit"].db.engine.dispose()
    return _figures(results, ceiling) + figures
