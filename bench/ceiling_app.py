"""The ceiling: the least a signed-in page can cost on this stack, to compare pages with.

A minimal Flask app: Flask-Login loads the user from the session (one SQLite query), the
page reads its paragraphs (one more query) and renders them through a Jinja template to
exactly the byte size of CourseKit's lesson page. No ORM, no forms, no access rules:
what every signed-in page pays at the least. Served by gunicorn as
``bench.ceiling_app:app`` with ``CEILING_DATABASE`` naming the SQLite file that
``build_database`` wrote.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from flask import Flask, g, render_template_string
from flask_login import LoginManager, UserMixin, login_required, login_user

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<header><nav><a href="/">Home</a> <a href="/page">Lesson</a></nav>
<p>Signed in as {{ current_user.name }}</p></header>
<main><h1>{{ title }}</h1>
{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}</main>
</body>
</html>
"""
WORDS = "the soleus lies deep to the gastrocnemius and its trigger points refer to the heel"


class User(UserMixin):
    """A signed-in user: id and display name."""

    def __init__(self, user_id: int, name: str) -> None:
        self.id = user_id
        self.name = name


app = Flask(__name__)
app.secret_key = "ceiling-benchmark-secret"
login_manager = LoginManager(app)


def connection() -> sqlite3.Connection:
    """This request's connection (opened on first use, closed at teardown)."""
    if "db" not in g:
        g.db = sqlite3.connect(os.environ["CEILING_DATABASE"])
    return g.db


@app.teardown_appcontext
def close_connection(_error: BaseException | None) -> None:
    database = g.pop("db", None)
    if database is not None:
        database.close()


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    row = connection().execute("SELECT id, name FROM users WHERE id = ?", (user_id,)).fetchone()
    return User(*row) if row else None


@app.get("/")
def home() -> str:
    return "ceiling"


@app.post("/login/<int:user_id>")
def login(user_id: int) -> tuple[str, int]:
    """Sign in as ``user_id`` (no password: the ceiling measures pages, not sign-in)."""
    user = load_user(str(user_id))
    if user is None:
        return "no such user", 404
    login_user(user)
    return "signed in", 200


@app.get("/page")
@login_required
def page() -> str:
    rows = connection().execute("SELECT body FROM paragraphs ORDER BY position").fetchall()
    return render_template_string(
        PAGE, title="Calf and heel pain", paragraphs=[row[0] for row in rows]
    )


def build_database(path: Path, users: int, page_bytes: int) -> None:
    """Write ``users`` users and the paragraphs that make ``/page`` exactly
    ``page_bytes`` long (user names all have the same length)."""
    os.environ["CEILING_DATABASE"] = str(path)
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        database.execute("CREATE TABLE paragraphs (position INTEGER PRIMARY KEY, body TEXT)")
        database.executemany(
            "INSERT INTO users VALUES (?, ?)",
            [(number, f"Learner {number:06d}") for number in range(1, users + 1)],
        )
        database.executemany(
            "INSERT INTO paragraphs VALUES (?, ?)",
            [(number, (WORDS + " ") * 3) for number in range(page_bytes // 300)],
        )
    with app.test_request_context():
        login_user(User(1, f"Learner {1:06d}"))
        shortfall = page_bytes - len(page().encode())
    padding = shortfall - len("<p></p>\n")
    if padding < 0:
        raise ValueError(f"the ceiling page cannot be as small as {page_bytes} bytes")
    with sqlite3.connect(path) as database:
        database.execute("INSERT INTO paragraphs VALUES (?, ?)", (page_bytes, "x" * padding))
