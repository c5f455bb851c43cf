"""Preview pages of a published module version, for its instructors and admins.

Nothing here records anything: no enrolment is read or made, and no lesson event, seat
time, attempt, answer, xAPI statement or progress is written. The pages render through
``coursekit.authoring.preview``, which a staged upload's preview can reuse with its own
package and links.
"""

from __future__ import annotations

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
    package, links = _previewed(module_id, version)
    return render_template(f"{TEMPLATES}/module.html", **preview.module_context(package, links))


@bp.get("/preview/lessons/<slug>")
@access("instructor")
def lesson(module_id: str, version: str, slug: str) -> Page:
    package, links = _previewed(module_id, version)
    context = preview.lesson_context(package, slug, links)
    if context is None:
        abort(404)
    return render_template(f"{TEMPLATES}/lesson.html", **context)


@bp.get("/preview/questions")
@access("instructor")
def questions(module_id: str, version: str) -> Page:
    package, links = _previewed(module_id, version)
    return render_template(
        f"{TEMPLATES}/questions.html",
        package=package,
        links=links,
        groups=preview.question_groups(package, links),
        form=CheckAnswerForm(formdata=None),
    )


@bp.post("/preview/questions/check")
@access("instructor")
def check(module_id: str, version: str) -> Page:
    """Grade an answer as an attempt would, and show it with the key; store nothing."""
    package, links = _previewed(module_id, version)
    form = CheckAnswerForm()
    if not form.validate():
        abort(400, description="Choose a question on the preview page and answer it there.")
    question = preview.find_question(package, form.source.data, form.question.data)
    if question is None:
        abort(404)
    checked = preview.check_answer(package, links, form.source.data, question, request.form)
    page = render_template(
        f"{TEMPLATES}/checked.html", package=package, links=links, checked=checked, form=form
    )
    return page, 422 if checked.refused else 200
