"""The audit log as JSON: the administrator's log page's filter and search, newest first."""

from __future__ import annotations

from typing import Any

from coursekit.access import access
from coursekit.api.endpoint import endpoint
from coursekit.api.pagination import page_schema, paginate_search
from coursekit.api.routes import bp
from coursekit.api.schemas.audit import AuditEntrySchema, AuditQuery, audit_rows
from coursekit.audit.queries import filter_for, search_entries


@bp.get("/admin/audit")
@access("admin")
@endpoint(
    "Audit log entries, newest first, filtered as on the log page",
    tag="admin: audit",
    query=AuditQuery,
    response=page_schema(AuditEntrySchema),
)
def audit_log(query: dict[str, Any]) -> dict[str, Any]:
    wanted = filter_for(
        text=query["q"],
        action=query["action"],
        actor=query["actor"],
        subject=query["subject"],
        first_day=query["start"],
        last_day=query["end"],
    )

    def search(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        rows, total = search_entries(wanted, limit=limit, offset=offset)
        return audit_rows(rows), total

    return paginate_search(search, query)
