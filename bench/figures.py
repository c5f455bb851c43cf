"""Figures and the table they are printed in, with the machine and versions they came from."""

from __future__ import annotations

import datetime
import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

VERSIONED = ("Flask", "Werkzeug", "SQLAlchemy", "Flask-Login", "gunicorn", "psycopg", "Jinja2")


@dataclass(frozen=True)
class Figure:
    """One measured figure, and what it is compared with (if anything)."""

    part: str
    measure: str
    value: float
    unit: str
    reference: str = ""
    reference_value: float | None = None

    @property
    def ratio(self) -> float | None:
        """The figure divided by its reference; None without one."""
        if not self.reference_value:
            return None
        return self.value / self.reference_value


def _number(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}" if value >= 1 else f"{value:.3g}"


def table(figures: list[Figure]) -> str:
    """A Markdown table: part, measure, figure, reference and ratio."""
    lines = ["| part | measure | figure | reference | ratio |", "|---|---|---:|---|---:|"]
    for figure in figures:
        reference = figure.reference
        if figure.reference_value is not None:
            reference = f"{reference} ({_number(figure.reference_value)} {figure.unit})"
        ratio = f"{figure.ratio:.0%}" if figure.ratio is not None else ""
        lines.append(
            f"| {figure.part} | {figure.measure} | {_number(figure.value)} {figure.unit} "
            f"| {reference} | {ratio} |"
        )
    return "\n".join(lines)


def _command_version(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "not found"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine(postgresql_version: str | None = None) -> str:
    """Date, cores, memory, load and the versions that shape the figures, as Markdown."""
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    packages = ", ".join(f"{name} {_package_version(name)}" for name in VERSIONED)
    lines = [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, {total_kib / 1024**2:.1f} GiB memory, "
        f"load {os.getloadavg()[0]:.2f} at start, {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{_command_version('wrk', '-v')}",
        f"- {packages}",
    ]
    if postgresql_version:
        lines.append(f"- PostgreSQL {postgresql_version}")
    return "\n".join(lines)
