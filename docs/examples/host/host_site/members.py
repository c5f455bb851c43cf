"""The host's own members and its record of their CE activity (plain sqlite3).

CourseKit never reads these tables: it only learns a member's id from ``get_id()``.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import click
from flask import Flask, current_app, g
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

SCHEMA = """
CREATE TABLE IF NOT EXISTS member (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ce_activity (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES member (id),
    happened_at TEXT NOT NULL,
    what TEXT NOT NULL
);
"""


class Member(UserMixin):
    """A member of the association, as Flask-Login sees them.

    ``get_id()`` (UserMixin: ``str(self.id)``) is stable for the member's lifetime:
    CourseKit keys the member's CE account by it. ``email`` prefills the CE profile.
    """

    def __init__(self, member_id: int, email: str, display_name: str) -> None:
        self.id = member_id
        self.email = email
        self.display_name = display_name


def connection() -> sqlite3.Connection:
    """This app context's connection to the member database."""
    if "members_db" not in g:
        g.members_db = sqlite3.connect(current_app.config["HOST_DATABASE"])
    return g.members_db


def _close(_exc: BaseException | None = None) -> None:
    db = g.pop("members_db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    """Create the tables if needed and close the connection after each request."""
    with sqlite3.connect(app.config["HOST_DATABASE"]) as db:
        db.executescript(SCHEMA)
    app.teardown_appcontext(_close)
    app.cli.add_command(add_member_command)


def add_member(email: str, display_name: str, password: str) -> Member:
    """A new member (the site's own sign-up would call this)."""
    db = connection()
    cursor = db.execute(
        "INSERT INTO member (email, display_name, password_hash) VALUES (?, ?, ?)",
        (email.lower(), display_name, generate_password_hash(password)),
    )
    db.commit()
    return Member(cursor.lastrowid, email.lower(), display_name)


def member_by_id(member_id: str) -> Member | None:
    """Flask-Login's user loader."""
    if not member_id.isdigit():
        return None
    row = (
        connection()
        .execute("SELECT id, email, display_name FROM member WHERE id = ?", (int(member_id),))
        .fetchone()
    )
    return Member(*row) if row else None


def authenticate(email: str, password: str) -> Member | None:
    """The member with these credentials, or None."""
    row = (
        connection()
        .execute(
            "SELECT id, email, display_name, password_hash FROM member WHERE email = ?",
            (email.lower(),),
        )
        .fetchone()
    )
    if row is None or not check_password_hash(row[3], password):
        return None
    return Member(*row[:3])


def record_activity(member_id: int, what: str) -> None:
    """Note a CE event on the member's record (the signal listeners call this)."""
    db = connection()
    db.execute(
        "INSERT INTO ce_activity (member_id, happened_at, what) VALUES (?, ?, ?)",
        (member_id, datetime.now(UTC).isoformat(timespec="seconds"), what),
    )
    db.commit()


def activity_of(member_id: int) -> list[tuple[str, str]]:
    """The member's CE events, newest first, as (when, what)."""
    rows = connection().execute(
        "SELECT happened_at, what FROM ce_activity WHERE member_id = ? ORDER BY id DESC",
        (member_id,),
    )
    return list(rows)


@click.command("add-member")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.password_option()
def add_member_command(email: str, display_name: str, password: str) -> None:
    """Add a member who can sign in (the example has no sign-up page)."""
    member = add_member(email, display_name, password)
    click.echo(f"Member {member.id} ({member.email}) added.")
