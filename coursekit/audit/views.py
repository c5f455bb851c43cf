"""The administrator's audit log: every change, newest first, filtered, and as CSV.

Read-only by design: there is no route that changes an entry (and the model refuses to,
see ``models.py``). Both URLs read the same filter from the query string; an invalid one
(a date that is not a date, or a last day before the first) answers 400 with the form
and its messages, on both.
"""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request

from coursekit.access import access
from coursekit.accounts.models import User
from coursekit.audit.display import PLATFORM, changes_in, changes_text, shown
from coursekit.audit.forms import AuditFilterForm
from coursekit.audit.models import AuditEntry
from coursekit.audit.queries import AuditFilter, actions_present, all_entries, search_entries
from coursekit.db import utcnow
from coursekit.progress.reports.exports import csv_chunks, csv_response
from coursekit.web import Page

bp = Blueprint("audit", __name__, url_prefix="/admin")

PAGE_SIZE = 50
CSV_COLUMNS = (
    "id",
    "at",
    "actor_email",
    "actor_name",
    "action",
    "subject",
    "reason",
    "changes",
    "details",
)


def _page(form: AuditFilterForm, wanted: AuditFilter | None) -> Page:
    if wanted is None:
        return render_template("coursekit/audit/log.html", form=form, rows=[], total=0), 400
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = search_entries(wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "coursekit/audit/log.html",
        form=form,
        rows=shown(rows),
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


@bp.get("/audit")
@access("admin")
def log() -> Page:
    form = AuditFilterForm(request.args, actions=actions_present())
    return _page(form, form.chosen())


def csv_cells(entry: AuditEntry, actor: User | None) -> list[object]:
    """One entry's cells, in ``CSV_COLUMNS`` order."""
    details = entry.details or {}
    return [
        entry.id,
        entry.at.isoformat(timespec="seconds"),
        actor.email if actor is not None else "",
        actor.full_name if actor is not None else PLATFORM,
        entry.action,
        entry.subject,
        entry.reason,
        changes_text(changes_in(details)),
        json.dumps(details, sort_keys=True, ensure_ascii=False),
    ]


@bp.get("/audit.csv")
@access("admin")
def export() -> Page:
    """The entries the filter selects, all of them, newest first, streamed."""
    form = AuditFilterForm(request.args, actions=actions_present())
    wanted = form.chosen()
    if wanted is None:
        return _page(form, None)
    rows = (csv_cells(entry, actor) for entry, actor in all_entries(wanted))
    filename = f"audit-log-{utcnow():%Y%m%d-%H%M%S}.csv"
    return csv_response(filename, csv_chunks(CSV_COLUMNS, rows))
