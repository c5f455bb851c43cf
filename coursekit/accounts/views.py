"""The learner's CE profile: legal name, NCCAOM ID and state licences."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from coursekit.access import access, current_account
from coursekit.accounts import operations
from coursekit.accounts.forms import LicenceForm, ProfileForm, RemoveLicenceForm
from coursekit.accounts.queries import with_licences
from coursekit.errors import ValidationFailed
from coursekit.web import Page, perform

bp = Blueprint("account", __name__)


def _profile_page(status: int = 200, **forms: FlaskForm) -> tuple[str, int]:
    user = with_licences(current_account())
    forms.setdefault("profile_form", ProfileForm(obj=user))
    forms.setdefault("licence_form", LicenceForm(formdata=None))
    return render_template(
        "coursekit/accounts/profile.html", user=user, remove_form=RemoveLicenceForm(), **forms
    ), status


@bp.route("/account", methods=["GET", "POST"])
@access("learner")
def profile() -> Page:
    account = current_account()
    form = ProfileForm(obj=account)
    if not form.is_submitted():
        return _profile_page()
    saved = perform(
        form,
        lambda: operations.update_profile(
            account,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            nccaom_id=form.nccaom_id.data,
        ),
    )
    if saved:
        flash("Your profile is saved.", "success")
        return redirect(url_for("coursekit.account.profile"))
    return _profile_page(422, profile_form=form)


@bp.post("/account/licences")
@access("learner")
def add_licence() -> Page:
    form = LicenceForm()
    added = perform(
        form,
        lambda: operations.add_licence(
            current_account(), state=form.state.data, number=form.number.data
        ),
    )
    if added:
        flash("Licence added.", "success")
        return redirect(url_for("coursekit.account.profile"))
    return _profile_page(422, licence_form=form)


@bp.post("/account/licences/<int:licence_id>/remove")
@access("learner")
def remove_licence(licence_id: int) -> Page:
    try:
        operations.remove_licence(current_account(), licence_id)
    except ValidationFailed:
        abort(404)
    flash("Licence removed from your profile.", "success")
    return redirect(url_for("coursekit.account.profile"))
