"""The instructor's upload pages: upload a packed module, read its report and diff, then
publish it, submit it for approval or withdraw it. Instructors (for the modules assigned to
them) and administrators.

Refusals answer with the status the rules give (``UploadRefused.status``) and the page
again, with the validation report when the package is the reason; nothing is kept.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select

from coursekit import db
from coursekit.access import access, current_account
from coursekit.audit.queries import entries_for
from coursekit.authoring import operations
from coursekit.authoring.diff import diff_packages
from coursekit.authoring.forms import (
    PublishForm,
    RejectForm,
    SubmitForm,
    UploadForm,
    WithdrawForm,
)
from coursekit.authoring.models import OPEN_STATUSES, StagedUpload
from coursekit.authoring.queries import (
    may_author,
    newest_published,
    staged_package,
    upload_page,
)
from coursekit.db import MAX_ID, utcnow
from coursekit.packages.discovery import LoadReport
from coursekit.packages.models import ModuleVersion
from coursekit.packages.problems import PackageInvalid, Problem
from coursekit.packages.queries import package_for
from coursekit.packages.reporting import ValidationReport, validation_report
from coursekit.web import Page

bp = Blueprint("authoring", __name__, url_prefix="/teach/uploads")

PAGE_SIZE = 50


@bp.url_value_preprocessor
def limit_upload_size(endpoint: str | None, _values: dict | None) -> None:
    """Cap the upload's body before anything reads it (the CSRF check reads the form
    first), so an oversized upload is refused with 413 without being received whole."""
    if endpoint == "coursekit.authoring.upload":
        request.max_content_length = current_app.config["COURSEKIT_UPLOAD_MAX_BYTES"]


def _list_page(
    form: UploadForm | None = None, report: ValidationReport | None = None, status: int = 200
) -> Page:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = upload_page(current_account(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "coursekit/authoring/uploads.html",
        form=form or UploadForm(formdata=None),
        report=report,
        rows=rows,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        limit=current_app.config["COURSEKIT_UPLOAD_MAX_BYTES"],
    ), status


@bp.get("")
@access("instructor")
def uploads() -> Page:
    return _list_page()


@bp.post("")
@access("instructor")
def upload() -> Page:
    form = UploadForm()
    if not form.validate():
        return _list_page(form, status=422)
    storage = form.archive.data
    filename = PurePosixPath(storage.filename or "upload.zip").name or "upload.zip"
    try:
        staged = operations.stage_upload(
            storage.read(), filename, actor=current_account(), now=utcnow()
        )
    except operations.UploadRefused as refusal:
        form.form_errors.append(refusal.message)
        return _list_page(form, refusal.report, refusal.status)
    flash(
        f"{staged.module_id} {staged.version} is valid and staged; read the diff below.", "success"
    )
    return redirect(url_for("coursekit.authoring.detail", upload_id=staged.id))


def load_upload(upload_id: int, *, for_update: bool = False) -> StagedUpload:
    """The upload, if the signed-in person authors its module; 404 otherwise (an upload
    of another instructor's module is not theirs to see)."""
    if not 0 < upload_id <= MAX_ID:
        abort(404)
    query = select(StagedUpload).where(StagedUpload.id == upload_id)
    upload = db.session.scalar(query.with_for_update() if for_update else query)
    if upload is None or not may_author(current_account(), upload.module_id):
        abort(404)
    return upload


def detail_page(
    upload: StagedUpload,
    status: int = 200,
    refusal: operations.UploadRefused | None = None,
    **forms: FlaskForm,
) -> Page:
    """An upload: its report (warnings), the diff against the newest published version
    while it may still be published, the actions its status allows, and its history;
    with the message (and report) of a refused action."""
    diff = base = None
    report = refusal.report if refusal is not None else None
    if upload.status in OPEN_STATUSES:
        base = newest_published(upload.module_id)
        old = package_for(base) if base is not None else None
        try:
            diff = diff_packages(staged_package(upload), old)
        except PackageInvalid as exc:
            # Staged under other limits or an older validator: say so, offer no publish.
            report = validation_report(LoadReport(problems={upload.filename: exc.problems}))
    publish_form = forms.get("publish_form") or PublishForm(formdata=None)
    publish_form.base_hash.data = base.content_hash if base is not None else ""
    return render_template(
        "coursekit/authoring/upload.html",
        upload=upload,
        warnings=[Problem(*warning, warning=True) for warning in upload.warnings],
        diff=diff,
        base=base,
        approval=operations.approval_required(),
        publish_form=publish_form,
        submit_form=forms.get("submit_form") or SubmitForm(formdata=None),
        withdraw_form=forms.get("withdraw_form") or WithdrawForm(formdata=None),
        reject_form=forms.get("reject_form") or RejectForm(formdata=None),
        refusal=refusal.message if refusal is not None else None,
        report=report,
        history=entries_for(f"upload:{upload.id}"),
    ), status


@bp.get("/<int:upload_id>")
@access("instructor")
def detail(upload_id: int) -> Page:
    return detail_page(load_upload(upload_id))


def publish_from_form(
    upload_id: int, *, default_reason: str
) -> tuple[StagedUpload, ModuleVersion | None, Page | None]:
    """Publish the upload the posted form names: the published version, or the upload page
    with what was wrong (the instructor's publish and the administrator's approval)."""
    upload = load_upload(upload_id, for_update=True)
    form = PublishForm()
    if not form.validate():
        return upload, None, detail_page(upload, 422, publish_form=form)
    try:
        version = operations.publish_upload(
            upload,
            actor=current_account(),
            now=utcnow(),
            base_hash=form.base_hash.data or "",
            reason=form.reason.data or default_reason,
        )
    except operations.UploadRefused as refusal:
        return upload, None, detail_page(upload, refusal.status, refusal=refusal, publish_form=form)
    return upload, version, None


@bp.post("/<int:upload_id>/publish")
@access("instructor")
def publish(upload_id: int) -> Page:
    upload, version, refused = publish_from_form(upload_id, default_reason="")
    if version is None:
        return refused
    flash(f"{version.title} {version.version} is published.", "success")
    return redirect(url_for("coursekit.authoring.detail", upload_id=upload.id))


@bp.post("/<int:upload_id>/submit")
@access("instructor")
def submit(upload_id: int) -> Page:
    upload = load_upload(upload_id, for_update=True)
    form = SubmitForm()
    if not form.validate():
        return detail_page(upload, 422, submit_form=form)
    try:
        operations.submit_upload(upload, actor=current_account(), now=utcnow())
    except operations.UploadRefused as refusal:
        return detail_page(upload, refusal.status, refusal=refusal, submit_form=form)
    flash("Submitted: an administrator will approve or reject it.", "success")
    return redirect(url_for("coursekit.authoring.detail", upload_id=upload.id))


@bp.post("/<int:upload_id>/withdraw")
@access("instructor")
def withdraw(upload_id: int) -> Page:
    upload = load_upload(upload_id, for_update=True)
    form = WithdrawForm()
    if not form.validate():
        return detail_page(upload, 422, withdraw_form=form)
    try:
        operations.withdraw_upload(
            upload, actor=current_account(), reason=form.reason.data or "", now=utcnow()
        )
    except operations.UploadRefused as refusal:
        return detail_page(upload, refusal.status, refusal=refusal, withdraw_form=form)
    flash("Withdrawn: this upload can no longer be published.", "success")
    return redirect(url_for("coursekit.authoring.detail", upload_id=upload.id))
