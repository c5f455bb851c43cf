"""Throwaway databases for the benchmarks, prepared as a provider's would be.

``database("sqlite", folder)`` and ``database("postgresql", folder)`` yield a SQLAlchemy
URL of an empty database; ``prepare`` migrates it and publishes the bundled seminar
modules, as ``coursekit serve`` does on first start. ``server_env`` gives the settings a
gunicorn process needs to serve it.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, make_url, text

from bench.servers import ROOT

#: The PostgreSQL server the suite creates its throwaway databases on.
POSTGRESQL_URL = os.environ.get(
    "COURSEKIT_BENCH_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SECRET_KEY = "benchmark-secret-key-not-for-production"


@contextmanager
def database(backend: str, folder: Path, server_url: str = POSTGRESQL_URL) -> Iterator[str]:
    """An empty database on ``backend`` ("sqlite" or "postgresql"), dropped afterwards;
    a PostgreSQL one is created on the server at ``server_url``."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'coursekit.sqlite3'}"
        return
    name = f"coursekit_bench_{os.getpid()}_{secrets.token_hex(4)}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def postgresql_version() -> str | None:
    """The server's version, or None when it cannot be reached."""
    try:
        engine = create_engine(POSTGRESQL_URL)
        with engine.connect() as connection:
            return connection.execute(text("SHOW server_version")).scalar_one()
    except Exception:  # any failure to connect means "not available" here
        return None


def settings(url: str, folder: Path, **extra: object) -> dict[str, object]:
    """The ``COURSEKIT_*`` settings of a benchmark instance on ``url``.

    Every simulated learner signs in from 127.0.0.1, so the per-address login limit is
    raised out of the way (the per-account limit stays).
    """
    return {
        "COURSEKIT_DATABASE_URL": url,
        "COURSEKIT_SECRET_KEY": SECRET_KEY,
        "COURSEKIT_MODULES_PATH": str(ROOT / "modules"),
        "COURSEKIT_SECURE_COOKIES": False,
        "COURSEKIT_MAIL_SENDER": "log",
        "COURSEKIT_LOGIN_LIMIT_PER_IP": "100000 per minute",
        "COURSEKIT_PUBLIC_URL": "http://127.0.0.1",
        **extra,
    }


def server_env(url: str, folder: Path, **extra: object) -> dict[str, str]:
    """Environment variables for a gunicorn process serving the instance on ``url``."""
    env = {"COURSEKIT_INSTANCE_PATH": str(folder / "instance")}
    for key, value in settings(url, folder, **extra).items():
        env[key] = value if isinstance(value, str) else json.dumps(value)
    return env


def prepare(url: str, folder: Path, **extra: object) -> Flask:
    """Migrate the database on ``url`` and publish the bundled modules; returns the app
    (for writing generated data through the models)."""
    from coursekit import create_app

    # The app reads its instance folder from the environment, as the server process will.
    os.environ["COURSEKIT_INSTANCE_PATH"] = str(folder / "instance")
    return create_app({**settings(url, folder, **extra), "COURSEKIT_PUBLISH_ON_START": True})
