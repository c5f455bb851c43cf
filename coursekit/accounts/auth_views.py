"""Credentials: sign-up, sign-in, sign-out, password change and reset.

Registered only when coursekit manages logins itself (the standalone app, or a host
without its own ``LoginManager``); a host with its own login keeps these jobs.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from coursekit.access import access, current_account
from coursekit.accounts import operations
from coursekit.accounts.forms import (
    LoginForm,
    LogoutForm,
    PasswordChangeForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from coursekit.accounts.models import User
from coursekit.accounts.queries import normalise_email
from coursekit.accounts.tokens import InvalidResetToken
from coursekit.ratelimit import hit
from coursekit.web import Page, perform, safe_next

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    return "account:" + normalise_email(request.form.get("email", ""))


def _start_session(user: User, *, remember: bool) -> None:
    """Sign ``user`` in on a fresh session.

    Nothing from before the sign-in survives it (session fixation): a cookie planted by
    someone else carries their CSRF token, and keeping it would let them forge this
    user's forms.
    """
    session.clear()
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@access("public")
def register() -> Page:
    if current_user.is_authenticated:
        return redirect(url_for("coursekit.account.profile"))
    form = RegistrationForm()
    if not form.is_submitted():
        return render_template("coursekit/accounts/register.html", form=form)
    user = perform(
        form,
        lambda: operations.register_user(
            email=form.email.data,
            password=form.password.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            nccaom_id=form.nccaom_id.data,
        ),
    )
    if user:
        _start_session(user, remember=False)
        flash("Welcome! Your account is ready. Add your state licences below.", "success")
        return redirect(url_for("coursekit.account.profile"))
    return render_template("coursekit/accounts/register.html", form=form), 422


@bp.route("/login", methods=["GET", "POST"])
@access("public")
def login() -> Page:
    home = url_for("coursekit.pages.home")
    if current_user.is_authenticated:
        return redirect(safe_next(home))
    form = LoginForm()
    if not form.is_submitted():
        return render_template("coursekit/accounts/login.html", form=form)
    hit("COURSEKIT_LOGIN_LIMIT_PER_IP")
    hit("COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT", key=_account_key)
    if form.validate():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            flash(f"Signed in as {user.email}.", "success")
            return redirect(safe_next(home))
        form.form_errors.append("The email or password is not correct.")
    return render_template("coursekit/accounts/login.html", form=form), 422


@bp.post("/logout")
@access("learner")
def logout() -> Page:
    if LogoutForm().validate_on_submit():
        # A cookie session cannot be revoked on its own: the new session token ends this
        # one, its remember cookie and any copy of them (and the user's other devices).
        operations.end_sessions(current_account())
        session.clear()
        logout_user()  # after clear(): it marks the remember cookie for deletion
        flash("You are signed out.", "success")
    return redirect(url_for("coursekit.pages.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@access("public")
def forgot_password() -> Page:
    form = ResetRequestForm()
    if not form.is_submitted():
        return render_template("coursekit/accounts/forgot.html", form=form)
    hit("COURSEKIT_RESET_LIMIT_PER_IP")
    if not form.validate():
        return render_template("coursekit/accounts/forgot.html", form=form), 422
    operations.request_password_reset(
        form.email.data,
        lambda token: url_for("coursekit.auth.reset_password", token=token, _external=True),
    )
    minutes = current_app.config["COURSEKIT_RESET_TOKEN_MAX_AGE"] // 60
    flash(
        f"If an account uses {normalise_email(form.email.data)}, we have sent it a link to "
        f"reset the password. The link works for {minutes} minutes.",
        "info",
    )
    return redirect(url_for("coursekit.auth.login"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access("public")
def reset_password(token: str) -> Page:
    form = ResetPasswordForm()
    if form.is_submitted():
        hit("COURSEKIT_RESET_LIMIT_PER_IP")
    try:
        user = operations.user_for_reset_token(token)
    except InvalidResetToken as invalid:
        page = render_template("coursekit/accounts/reset.html", form=None, problem=invalid.message)
        return page, 400
    if not form.is_submitted():
        return render_template("coursekit/accounts/reset.html", form=form)
    if perform(form, lambda: operations.reset_password(user, form.new_password.data)):
        flash("Your password is changed. Sign in with the new one.", "success")
        return redirect(url_for("coursekit.auth.login"))
    return render_template("coursekit/accounts/reset.html", form=form), 422


@bp.route("/account/password", methods=["GET", "POST"])
@access("learner")
def change_password() -> Page:
    form = PasswordChangeForm()
    if not form.is_submitted():
        return render_template("coursekit/accounts/password.html", form=form)
    account = current_account()
    changed = perform(
        form,
        lambda: operations.change_password(
            account, form.current_password.data, form.new_password.data
        ),
    )
    if changed:
        # The old session id is dead; sign this browser in again under the new one.
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        _start_session(changed, remember=remembered in request.cookies)
        flash("Your password is changed. Other devices have been signed out.", "success")
        return redirect(url_for("coursekit.account.profile"))
    return render_template("coursekit/accounts/password.html", form=form), 422
