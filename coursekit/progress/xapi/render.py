"""Statements for a stream of timeline events, with what the pure mapping needs from the
database: each learner's opaque account, module titles and seat time.

Events are taken a chunk at a time, so any number of them is rendered in constant
memory with one account lookup per chunk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TextIO

from flask import current_app
from sqlalchemy import func, select

from coursekit import db
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.progress.timeline import Event, EventKind
from coursekit.progress.xapi.operations import account_names
from coursekit.progress.xapi.statements import ModuleInfo, Site, Statement, statement

CHUNK = 500
"""Events rendered per account lookup."""


def configured_site() -> Site:
    """The site from ``COURSEKIT_XAPI_BASE_IRI``; raises ``SiteError`` when it is unset
    or unusable."""
    return Site.from_setting(current_app.config["COURSEKIT_XAPI_BASE_IRI"])


def rendered(events: Iterable[Event], site: Site) -> Iterator[tuple[Event, Statement]]:
    """Each event with its statement, in the events' order (seat time has none).

    Learners seen for the first time get their account name here; the caller commits.
    """
    modules: dict[int, ModuleInfo] = {}
    stream = iter(events)
    while chunk := list(islice(stream, CHUNK)):
        names = account_names({event.user_id for event in chunk})
        for event in chunk:
            module = modules.get(event.module_version_id)
            if module is None:
                module = modules[event.module_version_id] = _module(event.module_version_id)
            built = statement(
                event,
                site=site,
                module=module,
                account_name=names[event.user_id],
                seat_seconds=_seat_seconds(event),
            )
            if built is not None:
                yield event, built


def write_json_lines(out: TextIO, events: Iterable[Event], site: Site) -> int:
    """Write one statement per line to ``out``; returns how many."""
    count = 0
    for _event, built in rendered(events, site):
        out.write(dumps(built) + "\n")
        count += 1
    return count


def dumps(built: Statement | list[Statement]) -> str:
    """Compact JSON, as written to files and sent to an LRS."""
    return json.dumps(built, ensure_ascii=False, separators=(",", ":"))


def _module(module_version_id: int) -> ModuleInfo:
    version = db.session.get_one(ModuleVersion, module_version_id)
    package = package_for(version)
    lessons = {lesson.slug: lesson.title for lesson in package.lessons}
    return ModuleInfo(version.module_id, version.version, package.title, lessons)


def _seat_seconds(event: Event) -> int | None:
    """Seat time credited up to a completion: on that lesson for a lesson, on the whole
    enrolment for the module; None for other events. (Seat time is credited at the time
    it is written, after the enrolment's latest lesson event, so the sum up to a
    completion does not change later: a resent statement is the same statement.)"""
    if event.kind not in (EventKind.LESSON_COMPLETED, EventKind.MODULE_COMPLETED):
        return None
    query = select(func.coalesce(func.sum(LessonEvent.seconds), 0)).where(
        LessonEvent.enrolment_id == event.enrolment_id,
        LessonEvent.kind == LessonEventKind.ACTIVE,
        LessonEvent.at <= event.at,
    )
    if event.kind is EventKind.LESSON_COMPLETED:
        query = query.where(LessonEvent.lesson == event.lesson)
    return int(db.session.scalar(query) or 0)
