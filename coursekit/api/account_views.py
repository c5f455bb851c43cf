"""The signed-in person's profile and licences: the profile page's operations."""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.accounts import operations
from coursekit.accounts.models import User
from coursekit.accounts.queries import with_licences
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.routes import bp
from coursekit.api.schemas.account import LicenceInput, LicenceSchema, ProfileInput, ProfileSchema
from coursekit.errors import ValidationFailed


@bp.get("/me")
@access("learner")
@endpoint("Your CE profile and current state licences", tag="profile", response=ProfileSchema)
def me() -> User:
    return with_licences(current_account())


@bp.put("/me")
@access("learner")
@endpoint(
    "Change your legal name and NCCAOM ID", tag="profile", body=ProfileInput, response=ProfileSchema
)
def update_me(body: dict[str, Any]) -> User:
    account = current_account()
    operations.update_profile(account, **body)
    return with_licences(account)


@bp.post("/me/licences")
@access("learner")
@endpoint(
    "Add a state licence (one current licence per state)",
    tag="profile",
    body=LicenceInput,
    response=LicenceSchema,
    status=201,
)
def add_licence(body: dict[str, Any]) -> Any:
    return operations.add_licence(current_account(), **body)


@bp.delete("/me/licences/<int:licence_id>")
@access("learner")
@endpoint(
    "Remove a licence from your profile (the record stays)",
    tag="profile",
    response=ProfileSchema,
)
def remove_licence(licence_id: int) -> User:
    account = current_account()
    try:
        operations.remove_licence(account, licence_id)
    except ValidationFailed:
        fail(404, "not_found", "That licence is not on your profile.")
    return with_licences(account)
