"""First visit of a host app's user: "Complete your CE profile".

Registered only when the host owns the login. A host user who opens a coursekit page that
needs an account, and has none yet, is sent here (``coursekit.access.enforce_access``);
the form creates the linked account and continues to where they were going.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from coursekit.access import access, linked_account
from coursekit.accounts.host.forms import CompleteProfileForm
from coursekit.accounts.host.operations import link_host_user
from coursekit.web import Page, perform, safe_next

bp = Blueprint("host_profile", __name__)


def _host_email() -> str | None:
    """The host user's email, when the host's user object exposes one."""
    email = getattr(current_user, "email", None)
    return email if isinstance(email, str) else None


@bp.route("/account/complete", methods=["GET", "POST"])
@access("signed-in")
def complete() -> Page:
    destination = safe_next(url_for("coursekit.progress.dashboard"))
    if linked_account() is not None:
        return redirect(destination)
    form = CompleteProfileForm()
    if not form.is_submitted():
        form.email.data = _host_email()
        return render_template("coursekit/accounts/complete_profile.html", form=form)
    created = perform(
        form,
        lambda: link_host_user(
            host_user_id=current_user.get_id(),
            email=form.email.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            nccaom_id=form.nccaom_id.data,
        ),
    )
    if created:
        flash(
            "Your CE profile is ready. Add your state licences on My CE profile whenever you like.",
            "success",
        )
        return redirect(destination)
    return render_template("coursekit/accounts/complete_profile.html", form=form), 422
