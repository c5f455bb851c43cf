"""The Users section of the administrator console: one person's whole record, and the
changes an administrator makes to an account. Administrators only.

Each change is an operation from ``coursekit.accounts.operations`` (the command line
uses the same ones) with the reason the form asks for; a refusal shows the record again
with the rule's message and status (422 for the input, 409 for the last active
administrator or a change already made), and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from coursekit.access import access, current_account
from coursekit.accounts import operations
from coursekit.accounts.models import AccountStatus, Role, User
from coursekit.accounts.operations import AccountChangeRefused
from coursekit.admin.users import queries
from coursekit.admin.users.forms import (
    ExtraTimeForm,
    NameForm,
    NameReissueForm,
    RolesForm,
    StatusForm,
)
from coursekit.assessment.timing.operations import ExtraTimeRefused, grant_extra_time
from coursekit.certificates.operations import CertificateError, reissue_certificate
from coursekit.db import utcnow
from coursekit.web import Page, perform

bp = Blueprint("user_admin", __name__, url_prefix="/admin/users")


def _user_or_404(user_id: int) -> User:
    user = queries.user_by_id(user_id)
    if user is None:
        abort(404)
    return user


def _record_page(user: User, status: int = 200, **forms: FlaskForm) -> Page:
    forms.setdefault(
        "roles_form",
        RolesForm(
            formdata=None,
            instructor=user.has_role(Role.INSTRUCTOR),
            admin=user.has_role(Role.ADMIN),
        ),
    )
    forms.setdefault("name_form", NameForm(formdata=None, obj=user))
    forms.setdefault("status_form", StatusForm(formdata=None))
    forms.setdefault("reissue_form", NameReissueForm(formdata=None))
    record = queries.user_record(user, now=utcnow())
    extra_time_forms = {
        row.module_id: ExtraTimeForm.for_module(row.module_id, formdata=None)
        for row in record.timed_modules
    }
    refused = forms.pop("extra_time_form", None)
    if refused is not None:
        extra_time_forms[refused.module_id] = refused
    return render_template(
        "coursekit/admin/user_record.html",
        record=record,
        extra_time_forms=extra_time_forms,
        extra_time_refused=refused,
        **forms,
    ), status


@bp.get("/<int:user_id>")
@access("admin")
def record(user_id: int) -> Page:
    return _record_page(_user_or_404(user_id))


def _apply(
    user: User,
    form: FlaskForm,
    form_name: str,
    change: Callable[[], User],
    done: Callable[[], str],
) -> Page:
    """Run ``change`` (an operation) when the form is valid, then go back to the record
    with the ``done`` message; on refusal show the record again with the message beside
    the form, and its status."""
    try:
        changed = perform(form, change)
    except AccountChangeRefused as refusal:
        form.form_errors.append(refusal.message)
        return _record_page(user, refusal.status, **{form_name: form})
    if changed is None:
        return _record_page(user, 422, **{form_name: form})
    flash(done(), "success")
    actor = current_account()
    if actor is None or not (actor.is_active and actor.has_role(Role.ADMIN)):
        # The administrator took their own account out of the console.
        return redirect(url_for("coursekit.pages.home"))
    return redirect(url_for("coursekit.user_admin.record", user_id=user.id))


@bp.post("/<int:user_id>/roles")
@access("admin")
def roles(user_id: int) -> Page:
    user = _user_or_404(user_id)
    form = RolesForm()
    wanted = {role for role in (Role.INSTRUCTOR, Role.ADMIN) if form[role.value].data}
    return _apply(
        user,
        form,
        "roles_form",
        lambda: operations.change_roles(
            user, wanted, actor=current_account(), reason=form.reason.data, now=utcnow()
        ),
        lambda: f"{user.full_name} now has roles {', '.join(sorted(user.role_names))}.",
    )


@bp.post("/<int:user_id>/name")
@access("admin")
def name(user_id: int) -> Page:
    user = _user_or_404(user_id)
    form = NameForm()
    return _apply(
        user,
        form,
        "name_form",
        lambda: operations.correct_legal_name(
            user,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            actor=current_account(),
            reason=form.reason.data,
            now=utcnow(),
        ),
        lambda: f"Legal name corrected to {user.full_name}.",
    )


@bp.post("/<int:user_id>/disable")
@access("admin")
def disable(user_id: int) -> Page:
    return _set_status(user_id, AccountStatus.DISABLED, "disabled; its sessions have ended")


@bp.post("/<int:user_id>/enable")
@access("admin")
def enable(user_id: int) -> Page:
    return _set_status(user_id, AccountStatus.ACTIVE, "enabled")


def _set_status(user_id: int, status: AccountStatus, done: str) -> Page:
    user = _user_or_404(user_id)
    form = StatusForm()
    return _apply(
        user,
        form,
        "status_form",
        lambda: operations.set_status(
            user, status, actor=current_account(), reason=form.reason.data, now=utcnow()
        ),
        lambda: f"The account of {user.full_name} is {done}.",
    )


@bp.post("/<int:user_id>/certificates/<number>/reissue")
@access("admin")
def reissue(user_id: int, number: str) -> Page:
    """Reissue one of the user's certificates (after a legal-name correction) with the
    certificate rules' own operation, and come back to the record."""
    user = _user_or_404(user_id)
    certificate = queries.certificate_of(user, number)
    if certificate is None:
        abort(404)
    form = NameReissueForm()
    if not form.validate():
        form.form_errors.append("Give the reason: it is kept in the audit log.")
        return _record_page(user, 422, reissue_form=form)
    try:
        replacement = reissue_certificate(
            certificate, actor=current_account(), reason=form.reason.data, now=utcnow()
        )
    except CertificateError as refusal:
        form.form_errors.append(refusal.message)
        return _record_page(user, refusal.status, reissue_form=form)
    flash(f"Certificate {certificate.number} reissued as {replacement.number}.", "success")
    return redirect(url_for("coursekit.user_admin.record", user_id=user.id))


@bp.post("/<int:user_id>/extra-time/<module_id>")
@access("admin")
def extra_time(user_id: int, module_id: str) -> Page:
    """Grant the person extra minutes on a module's post-test time limit (an
    accommodation); it also extends their attempt under way."""
    user = _user_or_404(user_id)
    form = ExtraTimeForm.for_module(module_id)
    try:
        allowance = perform(
            form,
            lambda: grant_extra_time(
                user,
                module_id,
                form.minutes.data,
                actor=current_account(),
                reason=form.reason.data,
                now=utcnow(),
            ),
        )
    except ExtraTimeRefused as refusal:
        form.form_errors.append(refusal.message)
        return _record_page(user, refusal.status, extra_time_form=form)
    if allowance is None:
        return _record_page(user, 422, extra_time_form=form)
    flash(
        f"{user.full_name} now has {allowance.extra_minutes} extra minutes on the "
        f"{module_id} post-test.",
        "success",
    )
    return redirect(url_for("coursekit.user_admin.record", user_id=user.id))
