"""Token pages: each user's personal tokens at /account/tokens, and the administrators'
integration tokens at /admin/integration-tokens. A new token is shown once, on the
page that answers its creation; afterwards only its prefix is."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from coursekit.access import access, current_account
from coursekit.api.tokens import operations, queries
from coursekit.api.tokens.forms import RevokeTokenForm, TokenForm
from coursekit.api.tokens.models import Scope, TokenKind
from coursekit.db import utcnow
from coursekit.web import Page, perform

bp = Blueprint("tokens", __name__)

LIST_ENDPOINTS = {TokenKind.PERSONAL: ".personal", TokenKind.INTEGRATION: ".integrations"}


def _page(  # new_token "" means no token to show once  # nosec B107
    kind: TokenKind, form: TokenForm | None = None, new_token: str = "", status: int = 200
) -> tuple[str, int]:
    account = current_account()
    tokens = (
        queries.personal_tokens(account)
        if kind is TokenKind.PERSONAL
        else queries.integration_tokens()
    )
    return render_template(
        "coursekit/api/tokens.html",
        integration=kind is TokenKind.INTEGRATION,
        form=form or TokenForm(formdata=None),
        tokens=tokens,
        new_token=new_token,
        revoke_form=RevokeTokenForm(),
        may_admin=Scope.ADMIN in operations.allowed_scopes(account),
        now=utcnow(),
    ), status


def _create(kind: TokenKind) -> Page:
    form = TokenForm()
    account = current_account()
    now = utcnow()
    days = int(form.expires_days.data or 0)
    created = perform(
        form,
        lambda: operations.create_token(
            account,
            name=form.name.data or "",
            kind=kind,
            scopes=form.scopes(),
            expires_at=now + timedelta(days=days) if days else None,
            actor=account,
            now=now,
        ),
    )
    if created is None:
        return _page(kind, form, status=422)
    # Shown once: the answer to the POST carries the token and is never cached.
    page, status = _page(kind, new_token=created[1], status=201)
    return page, status, {"Cache-Control": "no-store"}


def _revoke(kind: TokenKind, token_id: int) -> Page:
    if not RevokeTokenForm().validate():
        abort(400)
    owner = current_account() if kind is TokenKind.PERSONAL else None
    token = queries.token_of(token_id, kind=kind, user=owner)
    if token is None:
        abort(404)
    operations.revoke_token(token, actor=current_account(), now=utcnow())
    flash(f"The token {token.prefix}… no longer works.", "success")
    return redirect(url_for(LIST_ENDPOINTS[kind]))


@bp.get("/account/tokens")
@access("learner")
def personal() -> Page:
    return _page(TokenKind.PERSONAL)


@bp.post("/account/tokens")
@access("learner")
def create_personal() -> Page:
    return _create(TokenKind.PERSONAL)


@bp.post("/account/tokens/<int:token_id>/revoke")
@access("learner")
def revoke_personal(token_id: int) -> Page:
    return _revoke(TokenKind.PERSONAL, token_id)


@bp.get("/admin/integration-tokens")
@access("admin")
def integrations() -> Page:
    return _page(TokenKind.INTEGRATION)


@bp.post("/admin/integration-tokens")
@access("admin")
def create_integration() -> Page:
    return _create(TokenKind.INTEGRATION)


@bp.post("/admin/integration-tokens/<int:token_id>/revoke")
@access("admin")
def revoke_integration(token_id: int) -> Page:
    return _revoke(TokenKind.INTEGRATION, token_id)
