"""The participant attestation page (administrators): the wording in force, a form to
save a new revision, and every revision saved before."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from coursekit.access import access, current_account
from coursekit.attestation.forms import AttestationForm
from coursekit.attestation.operations import save_attestation
from coursekit.attestation.queries import attestation_history, current_attestation
from coursekit.db import utcnow
from coursekit.web import Page, perform

bp = Blueprint("attestation", __name__)

PAGE_SIZE = 50


def _page(form: AttestationForm, status: int = 200) -> Page:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    history, total = attestation_history(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "coursekit/attestation/admin.html",
        form=form,
        current=current_attestation(),
        history=history,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    ), status


@bp.route("/admin/attestation", methods=["GET", "POST"])
@access("admin")
def settings() -> Page:
    if request.method == "GET":
        return _page(AttestationForm.for_attestation(current_attestation()))
    form = AttestationForm()
    saved = perform(
        form,
        lambda: save_attestation(
            form.text.data or "",
            form.version.data or "",
            actor=current_account(),
            reason=form.reason.data or "",
            now=utcnow(),
        ),
    )
    if saved is None:
        return _page(form, 422)
    flash(
        f"Attestation {saved.version} saved: learners enrolling from now on accept it.", "success"
    )
    return redirect(url_for("coursekit.attestation.settings"))
