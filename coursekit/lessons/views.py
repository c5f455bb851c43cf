"""Lesson pages, lesson completion and media files."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from coursekit import db
from coursekit.access import access, current_account
from coursekit.accounts.models import Role
from coursekit.catalog.queries import CatalogueEntry, module_entry
from coursekit.db import utcnow
from coursekit.lessons.forms import CompleteLessonForm
from coursekit.lessons.models import LessonEventKind
from coursekit.lessons.operations import record_lesson_event
from coursekit.lessons.queries import lesson_progress
from coursekit.packages.media import content_type
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import library, package_for
from coursekit.progress.operations import complete_after_seat_time, complete_lesson, credit_reading
from coursekit.ratelimit import hit
from coursekit.web import Page

bp = Blueprint("lessons", __name__)

STAFF_ROLES = frozenset({Role.INSTRUCTOR, Role.ADMIN})
MEDIA_CACHE = "private, max-age=31536000, immutable"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
"""SVG opened directly still cannot run script: no sources allowed, and sandboxed; nor
can another site frame it (``frame-ancestors`` does not fall back to ``default-src``)."""


def _readable_entry(module_id: str) -> CatalogueEntry:
    """The module version this user may read: enrolled learners their own version,
    instructors and admins the current one. Others are sent to the module page."""
    account = current_account()
    entry = module_entry(account, module_id)
    if entry is None:
        abort(404)
    if entry.enrolment is None and not (account.role_names & STAFF_ROLES):
        flash("Enrol in this module to read its lessons.", "info")
        abort(redirect(url_for("coursekit.catalog.module", module_id=module_id)))
    return entry


@bp.get("/modules/<module_id>/lessons/<slug>")
@access("learner")
@db.writes_on_get
def lesson(module_id: str, slug: str) -> Page:
    entry = _readable_entry(module_id)
    package = entry.package
    current = package.lesson(slug)
    if current is None:
        abort(404)
    if entry.enrolment is not None:
        now = utcnow()
        seat_time = record_lesson_event(
            entry.enrolment, package, current, LessonEventKind.OPENED, now=now
        )
        complete_after_seat_time(entry.enrolment, seat_time, now=now)
        progress = lesson_progress(entry.enrolment, package)
    else:
        progress = None
    index = package.lessons.index(current)
    html = library().lesson_html(
        package,
        current,
        lambda name: url_for(
            "coursekit.lessons.media", content_hash=package.content_hash, name=f"media/{name}"
        ),
    )
    return render_template(
        "coursekit/lessons/lesson.html",
        enrolment=entry.enrolment,
        lesson_url=lambda slug: url_for(".lesson", module_id=module_id, slug=slug),
        module_url=url_for("coursekit.catalog.module", module_id=module_id),
        package=package,
        lesson=current,
        html=html,
        progress=progress,
        previous=package.lessons[index - 1] if index > 0 else None,
        next=package.lessons[index + 1] if index + 1 < len(package.lessons) else None,
        form=CompleteLessonForm(),
    )


@bp.post("/modules/<module_id>/lessons/<slug>/complete")
@access("learner")
def complete(module_id: str, slug: str) -> Page:
    entry = _readable_entry(module_id)
    current = entry.package.lesson(slug)
    if current is None:
        abort(404)
    if entry.enrolment is None:
        abort(403)  # staff reading without enrolment have nothing to complete
    complete_lesson(entry.enrolment, entry.package, current, now=utcnow())
    lessons = entry.package.lessons
    index = lessons.index(current)
    if index + 1 < len(lessons):
        target = lessons[index + 1].slug
        return redirect(url_for(".lesson", module_id=module_id, slug=target))
    flash("You have finished the last lesson.", "success")
    return redirect(url_for("coursekit.catalog.module", module_id=module_id))


@bp.post("/modules/<module_id>/lessons/<slug>/heartbeat")
@access("learner")
def heartbeat(module_id: str, slug: str) -> Response:
    """The lesson page reports active reading (``restart=1`` when it starts the clock).
    Answers JSON ``{"credited": seconds}``; the body carries no time, the server's clock
    is the only one trusted. 404 for a learner not enrolled in the module; nothing is
    credited while a post-test attempt is open (test time is not seat time)."""
    account = current_account()
    # One allowance for the page's script and the API (learning_views.heartbeat).
    hit("COURSEKIT_HEARTBEAT_LIMIT", key=lambda: f"heartbeat:{account.id}", shared="heartbeat")
    entry = module_entry(account, module_id)
    if entry is None or entry.enrolment is None:
        abort(404)
    current = entry.package.lesson(slug)
    if current is None:
        abort(404)
    restart = request.form.get("restart") == "1"
    seat_time = credit_reading(
        entry.enrolment, entry.package, current, now=utcnow(), restart=restart
    )
    return jsonify({"credited": seat_time.credited})


@bp.get("/media/<content_hash>/<path:name>")
@access("learner")
def media(content_hash: str, name: str) -> Response:
    """A media file of a published version, by content hash: never changes, so it may be
    cached for a year."""
    version = db.session.scalar(
        select(ModuleVersion).where(ModuleVersion.content_hash == content_hash)
    )
    if version is None or not name.startswith("media/"):
        abort(404)
    data = package_for(version).files.get(name)
    if data is None:
        abort(404)
    return media_response(name, data, MEDIA_CACHE)


def media_response(name: str, data: bytes, cache_control: str) -> Response:
    """A package's media file ``name`` as a response, with the headers every route that
    serves package media must send: its content type, and for SVG a policy under which
    no script runs even when the file is opened directly (the staged preview uses it
    too)."""
    response = Response(data, mimetype=content_type(name))
    response.headers["Cache-Control"] = cache_control
    if response.mimetype == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
