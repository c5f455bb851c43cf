"""Audit entries as people read them: who acted, a link to the subject, and what changed.

Writers put a change in ``details`` as ``before`` and ``after`` — either two mappings of
field to value (``before={"status": "active"}, after={"status": "disabled"}``) or two
values — or as one field whose value is ``{"before": …, "after": …}``. Each shows as
``field: before → after``; every other detail shows as ``key: value``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.models import AuditEntry
from coursekit.certificates.models import Certificate
from coursekit.packages.models import ModuleVersion

PLATFORM = "the platform"
"""Who acted when no one did: automatic issue, a command run on the server."""


@dataclass(frozen=True)
class Change:
    """One field that changed, as text."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ShownEntry:
    """An entry with everything its row shows."""

    entry: AuditEntry
    actor: User | None
    subject_url: str | None
    changes: list[Change]
    details: list[tuple[str, str]]

    @property
    def actor_name(self) -> str:
        return PLATFORM if self.actor is None else self.actor.full_name


def text_of(value: Any) -> str:
    """A detail value as text: lists joined, yes/no, mappings as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(text_of(item) for item in value) or "—"
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _is_change(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"before", "after"}


def changes_in(details: Mapping[str, Any]) -> list[Change]:
    """The fields that changed, in the order the writer gave them."""
    found: list[Change] = []
    before, after = details.get("before"), details.get("after")
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for field in [*before, *(key for key in after if key not in before)]:
            if before.get(field) != after.get(field):
                found.append(Change(field, text_of(before.get(field)), text_of(after.get(field))))
    elif "before" in details or "after" in details:
        found.append(Change(str(details.get("field", "value")), text_of(before), text_of(after)))
    for key, value in details.items():
        if _is_change(value):
            found.append(Change(key, text_of(value["before"]), text_of(value["after"])))
    return found


def other_details(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The details that are not changes, by key, leaving out empty ones."""
    paired = {"before", "after"} if "before" in details or "after" in details else set()
    if paired and not isinstance(details.get("before"), Mapping):
        paired.add("field")
    return [
        (key, text_of(value))
        for key, value in sorted(details.items())
        if key not in paired and not _is_change(value) and value not in (None, "", [], {})
    ]


def changes_text(changes: Iterable[Change]) -> str:
    """``status: active → disabled; roles: learner → learner, admin`` (for the CSV)."""
    return "; ".join(f"{item.field}: {item.before} → {item.after}" for item in changes)


def _certificates(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Certificate.id, Certificate.number).where(Certificate.id.in_(ids))
    )
    return {
        id_: url_for("coursekit.certificate_admin.detail", number=number) for id_, number in rows
    }


def _module_versions(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(ModuleVersion.id, ModuleVersion.module_id).where(ModuleVersion.id.in_(ids))
    )
    return {
        id_: url_for("coursekit.reports.module_report", module_id=module_id)
        for id_, module_id in rows
    }


def _roster_exports(ids: list[int]) -> dict[int, str]:
    return {id_: url_for("coursekit.rosters.stored", export_id=id_) for id_ in ids}


def _users(ids: list[int]) -> dict[int, str]:
    # An account is never deleted, so every id has its record page.
    return {id_: url_for("coursekit.user_admin.record", user_id=id_) for id_ in ids}


SUBJECT_PAGES: dict[str, Callable[[list[int]], dict[int, str]]] = {
    "certificate": _certificates,
    "module-version": _module_versions,
    "roster-export": _roster_exports,
    "user": _users,
}
"""For each kind of ``<kind>:<id>`` subject with a page: the pages of the given ids (at
most one query per kind, for the whole page of entries)."""
NAMED_PAGES = {"provider": "coursekit.provider.settings"}
"""Subjects without an id that have a page: the endpoint."""


def subject_links(subjects: Iterable[str]) -> dict[str, str]:
    """The page of each subject that has one."""
    wanted: dict[str, list[int]] = {}
    links: dict[str, str] = {}
    for subject in set(subjects):
        if subject in NAMED_PAGES:
            links[subject] = url_for(NAMED_PAGES[subject])
        kind, _, id_ = subject.partition(":")
        if kind in SUBJECT_PAGES and id_.isdigit() and int(id_) <= db.MAX_ID:
            wanted.setdefault(kind, []).append(int(id_))
    for kind, ids in wanted.items():
        for id_, url in SUBJECT_PAGES[kind](sorted(ids)).items():
            links[f"{kind}:{id_}"] = url
    return links


def shown(rows: list[tuple[AuditEntry, User | None]]) -> list[ShownEntry]:
    """The rows of one page of the log, ready for the template."""
    links = subject_links(entry.subject for entry, _actor in rows)
    return [
        ShownEntry(
            entry,
            actor,
            links.get(entry.subject),
            changes_in(entry.details or {}),
            other_details(entry.details or {}),
        )
        for entry, actor in rows
    ]
