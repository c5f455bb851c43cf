"""Preview of a staged (or submitted) upload, exactly as learners would see it once
published, for the people who may publish it.

The pages are the published preview's (``preview_views``), given the upload's own package
and links; only the media route is this module's, serving the upload's files with the
headers of the learners' media route. Access is the upload page's: the module's assigned
instructors and administrators (another module's upload is 404, learners 403). Nothing
is recorded, as in every preview.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, url_for

from coursekit.access import access
from coursekit.authoring import preview
from coursekit.authoring.models import OPEN_STATUSES, StagedUpload
from coursekit.authoring.preview_views import check_page, lesson_page, module_page, questions_page
from coursekit.authoring.queries import staged_package
from coursekit.authoring.views import load_upload
from coursekit.lessons.views import media_response
from coursekit.packages.problems import PackageInvalid
from coursekit.packages.values import ModulePackage
from coursekit.web import Page

bp = Blueprint("staged_preview", __name__, url_prefix="/teach/uploads/<int:upload_id>/preview")

STAGED_MEDIA_CACHE = "private, no-cache"
"""An upload's files never change, but who may read them can (an assignment ends), so the
browser asks again each time rather than keeping them for a year."""


def _previewed(upload_id: int) -> tuple[ModulePackage, preview.PreviewLinks, StagedUpload]:
    """The upload's package and its preview's links: 404 unless the signed-in person
    authors the upload's module (as on the upload page) and the upload is still staged or
    submitted (a published one is previewed as a published version); 422 when the stored
    package no longer passes validation (its upload page shows the report)."""
    upload = load_upload(upload_id)
    if upload.status not in OPEN_STATUSES:
        abort(404, description=f"Upload #{upload.id} is {upload.status}: it has no preview.")
    try:
        package = staged_package(upload)
    except PackageInvalid:
        abort(422, description="This upload no longer passes validation; see its page.")
    here = {"upload_id": upload.id}
    links = preview.PreviewLinks(
        module=url_for(".module", **here),
        questions=url_for(".questions", **here),
        check=url_for(".check", **here),
        lesson=lambda slug: url_for(".lesson", slug=slug, **here),
        media=lambda name: url_for(".media", name=name, **here),
    )
    return package, links, upload


@bp.get("")
@access("instructor")
def module(upload_id: int) -> Page:
    package, links, upload = _previewed(upload_id)
    return module_page(package, links, upload=upload)


@bp.get("/lessons/<slug>")
@access("instructor")
def lesson(upload_id: int, slug: str) -> Page:
    package, links, upload = _previewed(upload_id)
    return lesson_page(package, links, slug, upload=upload)


@bp.get("/questions")
@access("instructor")
def questions(upload_id: int) -> Page:
    package, links, upload = _previewed(upload_id)
    return questions_page(package, links, upload=upload)


@bp.post("/questions/check")
@access("instructor")
def check(upload_id: int) -> Page:
    package, links, upload = _previewed(upload_id)
    return check_page(package, links, upload=upload)


@bp.get("/media/<path:name>")
@access("instructor")
def media(upload_id: int, name: str) -> Response:
    """A file of the upload's ``media/`` folder, as the learners' media route serves a
    published version's (SVG under a policy that runs no script)."""
    package, _links, _upload = _previewed(upload_id)
    data = package.files.get(f"media/{name}")
    if data is None:
        abort(404)
    return media_response(f"media/{name}", data, STAGED_MEDIA_CACHE)
