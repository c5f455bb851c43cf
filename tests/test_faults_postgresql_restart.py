"""PostgreSQL restarted while learners submit post-tests: the app recovers by itself.

A throwaway PostgreSQL cluster of its own (never the shared one) serves a real gunicorn
while learners save answers and submit; mid-load the cluster is restarted
(``pg_ctl restart -m fast``, which also cuts the connections in use). Requests during
the outage must answer 503 (the learners send them again), never 500; afterwards every
request succeeds with the same gunicorn workers (no restart of the app: ``pool_pre_ping``
replaces the dead connections), and every attempt is submitted once with all its answers.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.databases import prepare, server_env
from bench.servers import Gunicorn, free_port
from bench.throughput_data import SETTINGS, write_records
from tests.fault_load import check_attempts, learners, run_all

LEARNERS = 10
INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a free port, run as ``postgres``
    (initdb refuses root), trusting local connections."""

    def __init__(self) -> None:
        self.bin = Path(INITDB[-1]).parent
        self.folder = Path(tempfile.mkdtemp(prefix="coursekit-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.folder.chmod(0o700)

    def run(self, *command: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(  # noqa: S603 (PostgreSQL's own programs, arguments of ours)
            [*as_postgres, str(self.bin / command[0]), *command[1:]],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def pg_ctl(self, action: str, *options: str) -> None:
        settings = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
                 "-o", settings, *options, action)  # fmt: skip

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.pg_ctl("start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not INITDB:
        pytest.skip("PostgreSQL's initdb is not installed (/usr/lib/postgresql/*/bin/initdb)")
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def test_the_app_recovers_from_a_postgresql_restart_by_itself(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    url = cluster.url  # the cluster's own database: the whole cluster goes afterwards
    app = prepare(url, tmp_path, **SETTINGS)
    records = write_records(app, 0, LEARNERS)
    env = server_env(url, tmp_path, **SETTINGS, COURSEKIT_PUBLISH_ON_START=False)
    with Gunicorn(env, workers=2, ready_path="/login", log=tmp_path / "gunicorn.log") as server:
        workers = server.worker_pids()
        people = learners(app, server.url, records.attempts)
        restarted = threading.Event()

        def restart_when_under_way() -> None:
            # Once the first answers are in, while the rest are being sent.
            deadline = time.monotonic() + 60
            while not any(person.sends for person in people) and time.monotonic() < deadline:
                time.sleep(0.05)
            cluster.pg_ctl("restart", "-m", "fast")
            restarted.set()

        restarter = threading.Thread(target=restart_when_under_way)
        restarter.start()
        run_all(people)
        restarter.join(timeout=120)
        assert restarted.is_set()
        assert sum(person.unavailable for person in people) >= 1, "the outage was not met"

        # After it: every request answers at once, from the same workers.
        for person in people:
            before = person.cut + person.unavailable
            person.send("GET", f"/attempts/{person.attempt.attempt_id}", 200)
            person.send("GET", "/dashboard", 200)
            assert person.cut + person.unavailable == before
        assert server.worker_pids() == workers, "a worker had to be restarted"
    check_attempts(app, people)
    app.extensions["coursekit"].db.engine.dispose()
