"""The administrator console's front page: every administrative task, one link away."""

from __future__ import annotations

from flask import Blueprint, render_template

from coursekit.access import access
from coursekit.packages.queries import current_versions
from coursekit.web import Page

bp = Blueprint("console", __name__, url_prefix="/admin")


@bp.get("")
@access("admin")
def index() -> Page:
    modules = sorted(current_versions().values(), key=lambda version: version.title.casefold())
    return render_template("coursekit/admin/console.html", modules=modules)
