"""The host's own pages: home, sign-in, sign-out and the member's CE activity."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from host_site import members

bp = Blueprint("site", __name__)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class LogoutForm(FlaskForm):
    """Signing out is a POST with a CSRF token."""


def _local(target: str | None) -> str:
    """``target`` if it stays on this site (Flask-Login's ``next``), else the home page."""
    parts = urlsplit(target or "")
    if target and target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for("site.home")


@bp.app_context_processor
def site_context() -> dict[str, object]:
    return {"logout_form": LogoutForm}


@bp.get("/")
def home() -> str:
    return render_template("home.html")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        member = members.authenticate(form.email.data, form.password.data)
        if member is not None:
            login_user(member)
            return redirect(_local(request.args.get("next")))
        form.form_errors.append("Email or password is not correct.")
    status = 422 if form.is_submitted() else 200
    return render_template("login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are signed out.")
    return redirect(url_for("site.home"))


@bp.get("/activity")
@login_required
def activity() -> str:
    return render_template("activity.html", activity=members.activity_of(current_user.id))
