"""A gunicorn worker killed (``kill -9``) while learners' submissions are in flight.

A real gunicorn with two sync workers serves learners who each save the answers of
an open post-test attempt and submit it, all at once, while workers are killed one after
another. A killed request's transaction dies with its worker (nothing of it was
committed) or had committed before the kill (the learner's retry then gets the same
result: a second save appends the same answer, a second submission returns the grade the
first gave). Afterwards every attempt must be submitted exactly once, with every answer
and the grade its learner was told, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from bench.databases import database, prepare, server_env
from bench.servers import Gunicorn
from bench.throughput_data import SETTINGS, write_records
from tests.fault_load import check_attempts, learners, run_all

LEARNERS = 12
KILLS = 4
PG_URL = os.environ.get("COURSEKIT_TEST_DATABASE_URL")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_workers_lose_duplicate_or_half_write_no_submission(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL tests need COURSEKIT_TEST_DATABASE_URL")
    # ``prepare`` points the process at the instance folder; undone after the test.
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    with database(backend, tmp_path, PG_URL or "") as url:
        app = prepare(url, tmp_path, **SETTINGS)
        records = write_records(app, 0, LEARNERS)
        env = server_env(url, tmp_path, **SETTINGS, COURSEKIT_PUBLISH_ON_START=False)
        with Gunicorn(env, workers=2, ready_path="/login", log=tmp_path / "gunicorn.log") as server:
            people = learners(app, server.url, records.attempts)
            done = threading.Event()
            killed: list[int] = []

            def kill_workers() -> None:
                # Each kill aimed at a moment some learner's request is on its way; on
                # until a kill has cut a request, which is the fault under test.
                while not done.wait(0.3):
                    if len(killed) >= KILLS and sum(person.cut for person in people):
                        return
                    workers = server.worker_pids()
                    if workers and any(person.waiting for person in people):
                        victim = workers[len(killed) % len(workers)]
                        os.kill(victim, signal.SIGKILL)
                        killed.append(victim)

            killer = threading.Thread(target=kill_workers)
            killer.start()
            try:
                run_all(people)
            finally:
                done.set()
                killer.join()
        assert len(killed) >= 3, f"only {len(killed)} workers were killed"
        # A kill with requests in flight cut some connections: the fault was met.
        assert sum(person.cut for person in people) >= 1
        check_attempts(app, people)
        app.extensions["coursekit"].db.engine.dispose()
