"""Access policy, deny by default.

Every coursekit view declares who may use it with :func:`access`. The blueprint checks the
declaration before each request; an endpoint without one is refused with 403, so a
forgotten decorator fails closed. A test walks ``app.url_map`` to catch it before that.

Policies:
- ``"public"``: anyone, signed in or not;
- ``"signed-in"``: anyone signed in, with or without a coursekit account (a host app's
  user before their first visit: the "Complete your CE profile" page);
- ``"learner"``: any signed-in, active coursekit account (every account is a learner);
- ``"instructor"``: instructors and admins;
- ``"admin"``: admins only;
- a callable ``check(user, **view_args) -> bool``: signed in, and the check passes
  (object-level rules such as "the learner who owns this attempt").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from coursekit.accounts.host.queries import account_for_host_user
from coursekit.accounts.models import Role, User

RoleName = Literal["public", "signed-in", "learner", "instructor", "admin"]
ObjectCheck = Callable[..., bool]
Policy = RoleName | ObjectCheck
F = TypeVar("F", bound=Callable[..., Any])

POLICY_ATTRIBUTE = "_coursekit_access"
API_BLUEPRINT = "coursekit.api"
ROLE_POLICIES: tuple[RoleName, ...] = ("public", "signed-in", "learner", "instructor", "admin")

# Which roles satisfy each role policy. Admins run the whole provider, so they may do
# whatever instructors may.
_ALLOWED_ROLES: dict[str, frozenset[str]] = {
    "instructor": frozenset({Role.INSTRUCTOR, Role.ADMIN}),
    "admin": frozenset({Role.ADMIN}),
}


def access(policy: Policy) -> Callable[[F], F]:
    """Declare who may call the decorated view."""
    if not callable(policy) and policy not in ROLE_POLICIES:
        raise ValueError(f"unknown access policy {policy!r}")

    def decorate(view: F) -> F:
        setattr(view, POLICY_ATTRIBUTE, policy)
        return view

    return decorate


def policy_of(endpoint: str) -> Policy | None:
    """The policy declared by the view behind ``endpoint``, if any.

    The blueprint's static files (stylesheet, icons) are public: their view is Flask's.
    """
    if endpoint == "coursekit.static":
        return "public"
    view = current_app.view_functions.get(endpoint)
    return getattr(view, POLICY_ATTRIBUTE, None)


def linked_account() -> User | None:
    """The coursekit account linked to the host app's signed-in user, active or not.

    Read once per request (one query, cached in ``g``); None when nobody is signed in,
    under coursekit's own login, or before the host user's first visit.
    """
    if "_coursekit_linked_account" not in g:
        user = current_user._get_current_object()  # type: ignore[attr-defined]
        host_user = user.is_authenticated and not isinstance(user, User)
        g._coursekit_linked_account = account_for_host_user(user.get_id()) if host_user else None
    return g._coursekit_linked_account


def current_account() -> User | None:
    """The active coursekit account of the signed-in user, or None.

    Under coursekit's own login, ``current_user`` is the account. Under a host app's
    login, it is the host's user object, and the account is the one linked to its
    ``get_id()`` (docs/integration.md); a disabled account counts as none.
    """
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    if isinstance(user, User):
        return user
    account = linked_account()
    return account if account is not None and account.is_active else None


def needs_ce_profile() -> bool:
    """Whether the signed-in user is a host user who has no coursekit account yet."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    return user.is_authenticated and not isinstance(user, User) and linked_account() is None


def is_allowed(policy: Policy, account: User | None, view_args: dict[str, Any]) -> bool:
    """Whether ``account`` (None when signed out) passes ``policy`` for these arguments."""
    if policy == "public":
        return True
    if policy == "signed-in":
        return bool(current_user.is_authenticated)
    if account is None:
        return False
    if policy == "learner":
        return True
    if callable(policy):
        return bool(policy(account, **view_args))
    return bool(account.role_names & _ALLOWED_ROLES[policy])


def enforce_access() -> None:
    """Blueprint ``before_request``: refuse the request unless its endpoint's policy allows
    the current user. Anonymous users are sent to sign in (API requests get 401: a
    program has no sign-in page to go to). A host user without a CE profile is sent to
    complete it, then on to the page they asked for (a GET); the API answers them 403,
    like everyone else the policy refuses."""
    if request.endpoint is None:
        return  # routing failed; the 404/405 is raised by Flask itself
    policy = policy_of(request.endpoint)
    if policy is None:
        abort(403)
    if is_allowed(policy, current_account(), request.view_args or {}):
        return
    if not current_user.is_authenticated:
        if API_BLUEPRINT in request.blueprints:
            abort(401)
        abort(current_app.login_manager.unauthorized())
    if needs_ce_profile() and API_BLUEPRINT not in request.blueprints:
        after = {"next": request.full_path.rstrip("?")} if request.method == "GET" else {}
        abort(redirect(url_for("coursekit.host_profile.complete", **after)))
    abort(403)
