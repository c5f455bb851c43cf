"""Pages that belong to no single feature: the front page."""

from __future__ import annotations

from flask import Blueprint, render_template

from coursekit.access import access

bp = Blueprint("pages", __name__)


@bp.get("/")
@access("public")
def home() -> str:
    return render_template("coursekit/home.html")
