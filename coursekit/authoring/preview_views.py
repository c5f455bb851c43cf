"""Preview pages of a published module version, for its instructors and admins.

Nothing here records anything: no enrolment is read or made, and no lesson event, seat
time, attempt, answer, xAPI statement or progress is written. The pages render through
``coursekit.authoring.preview``; the page functions below serve a staged upload's
preview too (``staged_preview_views``), with its own package and links.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import select

from coursekit import db
from coursekit.access import access, current_account
from coursekit.assessment.evaluations.queries import may_read_results
from coursekit.assessment.rendering import media_url_for
from coursekit.authoring import preview
from coursekit.authoring.preview_forms import CheckAnswerForm
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.packages.values import ModulePackage
from coursekit.web import Page

bp = Blueprint("preview", __name__, url_prefix="/teach/modules/<module_id>/versions/<version>")
TEMPLATES = "coursekit/authoring/preview"


def _previewed(module_id: str, version: str) -> tuple[ModulePackage, preview.PreviewLinks]:
    """The version's package and its preview's links: 404 for a version never published,
    403 unless the signed-in user is an admin or an instructor assigned to the module."""
    found = db.session.scalar(
        select(ModuleVersion).where(
            ModuleVersion.module_id == module_id, ModuleVersion.version == version
        )
    )
    if found is None:
        abort(404)
    account = current_account()
    # The rule for everything an instructor sees of a module (results, statistics, reports).
    if account is None or not may_read_results(account, module_id):
        abort(403)
    package = package_for(found)
    here = {"module_id": module_id, "version": version}
    links = preview.PreviewLinks(
        module=url_for(".module", **here),
        questions=url_for(".questions", **here),
        check=url_for(".check", **here),
        lesson=lambda slug: url_for(".lesson", slug=slug, **here),
        media=media_url_for(package),
    )
    return package, links


@bp.get("/preview")
@access("instructor")
def module(module_id: str, version: str) -> Page:
    return module_page(*_previewed(module_id, version))


@bp.get("/preview/lessons/<slug>")
@access("instructor")
def lesson(module_id: str, version: str, slug: str) -> Page:
    return lesson_page(*_previewed(module_id, version), slug)


@bp.get("/preview/questions")
@access("instructor")
def questions(module_id: str, version: str) -> Page:
    return questions_page(*_previewed(module_id, version))


@bp.post("/preview/questions/check")
@access("instructor")
def check(module_id: str, version: str) -> Page:
    return check_page(*_previewed(module_id, version))


# The pages themselves, for any package: a published version's (above) or a staged
# upload's (``staged_preview_views``). ``extra`` is added to the template context (the
# staged preview names its upload in the banner).


def module_page(package: ModulePackage, links: preview.PreviewLinks, **extra: Any) -> Page:
    """The learners' module page of ``package``, as one who has not enrolled sees it."""
    context = preview.module_context(package, links)
    return render_template(f"{TEMPLATES}/module.html", **context, **extra)


def lesson_page(
    package: ModulePackage, links: preview.PreviewLinks, slug: str, **extra: Any
) -> Page:
    """The learners' lesson page ``slug`` of ``package``; 404 when it has no such lesson."""
    context = preview.lesson_context(package, slug, links)
    if context is None:
        abort(404)
    return render_template(f"{TEMPLATES}/lesson.html", **context, **extra)


def questions_page(package: ModulePackage, links: preview.PreviewLinks, **extra: Any) -> Page:
    """Every question of ``package``'s post-test and worksheet, with the key."""
    return render_template(
        f"{TEMPLATES}/questions.html",
        package=package,
        links=links,
        groups=preview.question_groups(package, links),
        form=CheckAnswerForm(formdata=None),
        **extra,
    )


def check_page(package: ModulePackage, links: preview.PreviewLinks, **extra: Any) -> Page:
    """Grade the posted answer as an attempt would, and show it with the key; store
    nothing. 404 for a question the preview does not show."""
    form = CheckAnswerForm()
    if not form.validate():
        abort(400, description="Choose a question on the preview page and answer it there.")
    question = preview.find_question(package, form.source.data, form.question.data)
    if question is None:
        abort(404)
    checked = preview.check_answer(package, links, form.source.data, question, request.form)
    page = render_template(
        f"{TEMPLATES}/checked.html",
        package=package,
        links=links,
        checked=checked,
        form=form,
        **extra,
    )
    return page, 422 if checked.refused else 200
