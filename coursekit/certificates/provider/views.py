"""The provider settings page (administrators): what every certificate prints about the
provider, and how certificates are issued."""

from __future__ import annotations

import base64

from flask import Blueprint, flash, redirect, render_template, request, url_for

from coursekit.access import access, current_account
from coursekit.certificates.admin_queries import provider_history
from coursekit.certificates.provider.forms import ProviderForm
from coursekit.certificates.provider.operations import (
    IMAGE_KEYS,
    EditConflict,
    save_provider_settings,
)
from coursekit.certificates.provider.queries import current_provider, latest_revision, provider_of
from coursekit.certificates.provider.values import Image
from coursekit.db import utcnow
from coursekit.errors import ValidationFailed
from coursekit.web import Page, show_errors

bp = Blueprint("provider", __name__)


def _data_uri(image: Image | None) -> str | None:
    """The image inline (the page's CSP allows ``data:`` images), so the preview shows
    exactly the bytes a certificate will print."""
    if image is None:
        return None
    return f"data:{image.media_type};base64,{base64.b64encode(image.content).decode()}"


def _page(form: ProviderForm, status: int = 200) -> Page:
    provider = current_provider()
    return render_template(
        "coursekit/certificates/provider.html",
        form=form,
        provider=provider,
        missing=provider.missing_for_issuing(),
        logo_src=_data_uri(provider.logo),
        signature_src=_data_uri(provider.signature),
        history=provider_history(),
    ), status


@bp.route("/admin/provider", methods=["GET", "POST"])
@access("admin")
def settings() -> Page:
    if request.method == "GET":
        latest = latest_revision(images=False)
        in_force = provider_of(latest, images=False)
        return _page(ProviderForm.for_provider(in_force, latest.id if latest else 0))
    form = ProviderForm()
    if not form.validate():
        return _page(form, 422)
    try:
        saved = save_provider_settings(
            form.values(),
            logo=form.image_update("logo"),
            signature=form.image_update("signature"),
            actor=current_account(),
            now=utcnow(),
            based_on=form.revision.data,
        )
    except ValidationFailed as failure:
        show_errors(form, failure)
        return _page(form, 422)
    except EditConflict as conflict:
        # What was typed stays in the form; saving it again is a deliberate choice.
        form.form_errors.append(conflict.message)
        if any(form.chosen_file(key) for key in IMAGE_KEYS):
            form.form_errors.append("A browser does not keep a chosen file: choose it again.")
        form.rebase(conflict.current)
        return _page(form, 409)
    if saved is None:
        flash("Nothing changed: the settings are as they were.", "info")
    else:
        flash("Provider settings saved. Certificates issued from now on print them.", "success")
    return redirect(url_for("coursekit.provider.settings"))
