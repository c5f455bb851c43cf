"""Administrator pages: the user directory."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from coursekit.access import access
from coursekit.accounts.queries import search_users

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.get("/users")
@access("admin")
def users() -> str:
    text = request.args.get("q", "")[:200]
    page = request.args.get("page", 1, type=int) or 1
    page = max(page, 1)
    found, total = search_users(text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "coursekit/admin/users.html",
        users=found,
        total=total,
        q=text,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )
