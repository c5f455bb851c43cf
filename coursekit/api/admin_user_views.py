"""The administrator console's Users section as JSON: the directory, one person's record,
and the changes to an account, through the same queries and operations as the pages
(``coursekit.admin``), each with the reason the audit log keeps."""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.accounts import operations
from coursekit.accounts.models import AccountStatus, Role, User
from coursekit.accounts.operations import AccountChangeRefused
from coursekit.accounts.queries import search_users
from coursekit.admin.users import queries
from coursekit.admin.users.queries import UserRecord
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.pagination import page_schema, paginate_search
from coursekit.api.refusals import refusals
from coursekit.api.routes import bp
from coursekit.api.schemas.admin_users import (
    ExtraTimeInput,
    ExtraTimeSchema,
    NameInput,
    ReasonInput,
    RolesInput,
    UserRecordSchema,
    UserSchema,
    UsersQuery,
)
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.assessment.timing.operations import ExtraTimeRefused, grant_extra_time
from coursekit.db import utcnow

TAG = "admin: users"
ACCOUNT_REFUSED = "account_change_refused"


def _user(user_id: int) -> User:
    user = queries.user_by_id(user_id)
    if user is None:
        fail(404, "not_found", "No account has this id.")
    return user


@bp.get("/admin/users")
@access("admin")
@endpoint(
    "Accounts, newest first, optionally searched",
    tag=TAG,
    query=UsersQuery,
    response=page_schema(UserSchema),
)
def admin_users(query: dict[str, Any]) -> dict[str, Any]:
    return paginate_search(
        lambda limit, offset: search_users(query["q"], limit=limit, offset=offset), query
    )


@bp.get("/admin/users/<int:user_id>")
@access("admin")
@endpoint(
    "One person's record: licences, certificates, timed modules and recent history",
    tag=TAG,
    response=UserRecordSchema,
)
def admin_user(user_id: int) -> UserRecord:
    return queries.user_record(_user(user_id), now=utcnow())


@bp.put("/admin/users/<int:user_id>/roles")
@access("admin")
@endpoint(
    "Set the roles beyond learner (every account is a learner)",
    tag=TAG,
    body=RolesInput,
    response=UserSchema,
    errors=(409,),
    description="409 when nothing would change, or when the last active administrator "
    "would lose the admin role.",
)
def change_roles(user_id: int, body: dict[str, Any]) -> User:
    user = _user(user_id)
    wanted = {role for role in (Role.INSTRUCTOR, Role.ADMIN) if body[role.value]}
    with refusals(ACCOUNT_REFUSED, AccountChangeRefused):
        return operations.change_roles(
            user, wanted, actor=current_account(), reason=body["reason"], now=utcnow()
        )


@bp.put("/admin/users/<int:user_id>/name")
@access("admin")
@endpoint(
    "Correct the legal name (certificates keep theirs until reissued)",
    tag=TAG,
    body=NameInput,
    response=UserSchema,
)
def correct_name(user_id: int, body: dict[str, Any]) -> User:
    user = _user(user_id)
    with refusals(ACCOUNT_REFUSED, AccountChangeRefused):
        return operations.correct_legal_name(user, actor=current_account(), now=utcnow(), **body)


def _set_status(user_id: int, status: AccountStatus, reason: str) -> User:
    user = _user(user_id)
    with refusals(ACCOUNT_REFUSED, AccountChangeRefused):
        return operations.set_status(
            user, status, actor=current_account(), reason=reason, now=utcnow()
        )


@bp.post("/admin/users/<int:user_id>/disable")
@access("admin")
@endpoint(
    "Disable the account: its sessions and tokens stop working",
    tag=TAG,
    body=ReasonInput,
    response=UserSchema,
    errors=(409,),
    description="409 when it is already disabled, or is the last active administrator.",
)
def disable_user(user_id: int, body: dict[str, Any]) -> User:
    return _set_status(user_id, AccountStatus.DISABLED, body["reason"])


@bp.post("/admin/users/<int:user_id>/enable")
@access("admin")
@endpoint(
    "Enable a disabled account",
    tag=TAG,
    body=ReasonInput,
    response=UserSchema,
    errors=(409,),
    description="409 when it is already active.",
)
def enable_user(user_id: int, body: dict[str, Any]) -> User:
    return _set_status(user_id, AccountStatus.ACTIVE, body["reason"])


@bp.put("/admin/users/<int:user_id>/extra-time/<module_id>")
@access("admin")
@endpoint(
    "Set the extra minutes on a module's post-test time limit (0 withdraws them)",
    tag=TAG,
    body=ExtraTimeInput,
    response=ExtraTimeSchema,
    errors=(409,),
    description="422 when the person is not enrolled or the post-test has no limit; "
    "409 when those minutes are already in force.",
)
def grant_time(user_id: int, module_id: str, body: dict[str, Any]) -> TimeAllowance:
    user = _user(user_id)
    with refusals("extra_time_in_force", ExtraTimeRefused):
        return grant_extra_time(
            user,
            module_id,
            body["minutes"],
            actor=current_account(),
            reason=body["reason"],
            now=utcnow(),
        )
