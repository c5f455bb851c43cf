"""Timeline events as xAPI 1.0.3 statements: a pure mapping, no database, no clock.

The same event always gives the same statement, byte for byte: its id is a UUID 5 of
the event's stable key, its timestamp the event's time to the millisecond (an LRS may
keep no more), and everything else comes from immutable records and module versions.
So a statement sent twice is the same statement, and an LRS stores it once.

The statement's ``version`` property is left out on purpose: xAPI 1.0.3 says a Learning
Record Provider SHOULD NOT set it (and MUST set ``1.0.0`` if it does); the 1.0.3 the
statements follow is sent in the ``X-Experience-API-Version`` header.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from coursekit.progress.timeline import Event, EventKind, Score

XAPI_VERSION = "1.0.3"
"""The version of the specification the statements and requests follow."""
PLATFORM = "CourseKit"

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
SURVEY = "http://id.tincanapi.com/activitytype/survey"
"""The registered activity type for a questionnaire (ADL has none)."""
LANGUAGE = "en"
"""Module and lesson titles are written in English; their language map says so."""

Statement = dict[str, Any]


class SiteError(ValueError):
    """The configured base IRI cannot identify this site."""


@dataclass(frozen=True)
class Site:
    """The site every statement comes from: ``base_iri`` (no trailing slash) is the
    learners' account ``homePage`` and the root of every activity id, and it seeds the
    UUIDs, so two sites sending to one LRS never share a statement id."""

    base_iri: str
    namespace: uuid.UUID = field(init=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_iri)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SiteError(
                f"{self.base_iri!r} is not an http(s) address such as https://ce.example.org"
            )
        if parts.query or parts.fragment or self.base_iri.endswith("/"):
            raise SiteError(f"{self.base_iri!r} must have no query, fragment or trailing slash")
        object.__setattr__(self, "namespace", uuid.uuid5(uuid.NAMESPACE_URL, self.base_iri))

    @classmethod
    def from_setting(cls, value: str | None) -> Site:
        """The site from ``COURSEKIT_XAPI_BASE_IRI`` (a trailing slash is ignored)."""
        if not value:
            raise SiteError("set COURSEKIT_XAPI_BASE_IRI to this site's address first")
        return cls(value.rstrip("/"))

    def uuid_for(self, name: str) -> str:
        """A UUID that only this site's ``name`` ever gets."""
        return str(uuid.uuid5(self.namespace, name))


@dataclass(frozen=True)
class ModuleInfo:
    """What statements say about a module version: its ids and titles."""

    module_id: str
    version: str
    title: str
    lesson_titles: Mapping[str, str]
    """Lesson slug → title."""


def statement_id(site: Site, event_key: str) -> str:
    """The statement id of the event with ``event_key`` (``attempt-grade:17``)."""
    return site.uuid_for(event_key)


def registration(site: Site, enrolment_id: int) -> str:
    """The xAPI registration of an enrolment: every statement about it carries this."""
    return site.uuid_for(f"registration:{enrolment_id}")


def statement(
    event: Event,
    *,
    site: Site,
    module: ModuleInfo,
    account_name: str,
    seat_seconds: int | None = None,
) -> Statement | None:
    """The statement for ``event``, or None for seat time.

    ``account_name`` is the learner's opaque account name; ``seat_seconds`` is the seat
    time credited up to the event, reported on lesson and module completions. Seat time
    events themselves (one per heartbeat, every half minute of reading) would flood an
    LRS; their sum travels on the completions instead.
    """
    course = _activity(_module_iri(site, module), "course", module.title)
    parent: dict[str, Any] | None = course
    result: dict[str, Any] | None = None
    attempt: str | None = None
    match event.kind:
        case EventKind.SEAT_TIME:
            return None
        case EventKind.ENROLLED:
            verb, target, parent = "attempted", course, None
        case EventKind.LESSON_OPENED | EventKind.LESSON_COMPLETED:
            slug = event.lesson or ""
            title = module.lesson_titles.get(slug, slug)
            target = _activity(f"{course['id']}/lessons/{quote(slug, safe='')}", "lesson", title)
            verb = "experienced"
            if event.kind is EventKind.LESSON_COMPLETED:
                verb, result = "completed", _completion(seat_seconds)
        case EventKind.ATTEMPT_STARTED:
            verb, target = "attempted", _post_test(course, module)
        case EventKind.ATTEMPT_SUBMITTED | EventKind.ATTEMPT_REGRADED:
            if event.score is None:
                raise ValueError(f"{event.key} has no score")
            verb = "passed" if event.score.passed else "failed"
            target, result = _post_test(course, module), _graded(event.score)
            # The timeline keys an attempt's start "attempt:<id>": each grade points at
            # the statement that the attempt began with.
            attempt = statement_id(site, f"attempt:{event.attempt_id}")
        case EventKind.WORKSHEET_SUBMITTED | EventKind.WORKSHEET_REVIEWED:
            target = _activity(
                f"{course['id']}/worksheet", "assessment", f"{module.title}: worksheet"
            )
            # A review is the instructor's act, but it is what completes the learner's
            # worksheet; the reviewer and the comment stay out (free text, names).
            verb = "answered" if event.kind is EventKind.WORKSHEET_SUBMITTED else "completed"
            if event.kind is EventKind.WORKSHEET_REVIEWED:
                result = {"completion": True}
        case EventKind.EVALUATION_SUBMITTED:
            iri = f"{course['id']}/evaluation"
            verb, target = "answered", _activity(iri, SURVEY, f"{module.title}: course evaluation")
        case EventKind.MODULE_COMPLETED:
            verb, target, parent, result = "completed", course, None, _completion(seat_seconds)
        case _:
            raise ValueError(f"no statement is defined for {event.kind} events")
    context: dict[str, Any] = {
        "registration": registration(site, event.enrolment_id),
        "platform": PLATFORM,
    }
    if parent is not None:
        context["contextActivities"] = {"parent": [parent]}
    if attempt is not None:
        context["statement"] = {"objectType": "StatementRef", "id": attempt}
    built: Statement = {
        "id": statement_id(site, event.key),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": site.base_iri, "name": account_name},
        },
        "verb": {"id": ADL_VERBS + verb, "display": {"en-US": verb}},
        "object": target,
    }
    if result is not None:
        built["result"] = result
    built["context"] = context
    built["timestamp"] = timestamp(event.at)
    return built


def timestamp(at: datetime) -> str:
    """``at`` in UTC, ISO 8601 to the millisecond: ``2026-11-21T03:03:04.120Z``."""
    if at.tzinfo is None:
        raise ValueError("naive datetime given; use datetime.now(UTC)")
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: int) -> str:
    """Seconds as an ISO 8601 duration: 3725 → ``PT1H2M5S``, 0 → ``PT0S``."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if value
    ]
    return "PT" + ("".join(parts) or "0S")


def _module_iri(site: Site, module: ModuleInfo) -> str:
    module_id, version = quote(module.module_id, safe=""), quote(module.version, safe="")
    return f"{site.base_iri}/modules/{module_id}/{version}"


def _activity(iri: str, kind: str, title: str) -> dict[str, Any]:
    """An activity; ``kind`` is an ADL activity type's last segment or a full IRI."""
    type_iri = kind if "://" in kind else ADL_ACTIVITIES + kind
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"type": type_iri, "name": {LANGUAGE: title}},
    }


def _post_test(course: dict[str, Any], module: ModuleInfo) -> dict[str, Any]:
    return _activity(f"{course['id']}/post-test", "assessment", f"{module.title}: post-test")


def _completion(seat_seconds: int | None) -> dict[str, Any]:
    result: dict[str, Any] = {"completion": True}
    if seat_seconds is not None:
        result["duration"] = duration(seat_seconds)
    return result


def _graded(score: Score) -> dict[str, Any]:
    """The grade as a result; ``scaled`` is the percent the pass mark is compared with."""
    result: dict[str, Any] = {"success": score.passed, "completion": True}
    if score.possible > 0:
        result["score"] = {
            "scaled": round(score.percent / 100, 4),
            "raw": score.earned,
            "min": 0,
            "max": score.possible,
        }
    return result
