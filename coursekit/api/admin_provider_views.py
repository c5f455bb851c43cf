"""The provider settings as JSON, through the settings page's operation and rules: read
them, change some values, and replace or remove the logo and signature. Every change
saves a new revision (certificates already issued keep what they printed)."""

from __future__ import annotations

from typing import Any

from flask import Response

from coursekit.access import access, current_account
from coursekit.api.endpoint import Upload, Uploaded, endpoint, if_match
from coursekit.api.errors import fail
from coursekit.api.routes import bp
from coursekit.api.schemas.provider import ProviderChanges, ProviderSettingsSchema
from coursekit.certificates.admin_queries import provider_history
from coursekit.certificates.provider.operations import (
    EditConflict,
    ImageUpdate,
    save_provider_settings,
)
from coursekit.certificates.provider.queries import current_provider
from coursekit.certificates.provider.schemas import ProviderSchema
from coursekit.certificates.provider.values import IMAGE_TYPES
from coursekit.db import utcnow

TAG = "admin: settings"
IMAGE = "/admin/provider/<any(logo, signature):image>"
SAVE_REFUSALS = (
    "422 (the fields at fault in fields) when a value breaks a rule: an unknown state "
    "code, an approval that ends before it starts, a text too long. 412 when If-Match "
    "names a revision that another save has replaced; 409 when another save landed at "
    "the same moment. Nothing is saved then."
)
ETAG = "revision_id"
"""The settings' ETag is the id of the revision in force ("0" before the first save)."""


def _settings(saved: bool = False) -> dict[str, Any]:
    history = provider_history()
    changed = history[0].changed if saved and history else []
    in_force = history[0].revision_id if history else 0
    shown = {"provider": current_provider(), "history": history, "changed": changed}
    return {**shown, ETAG: in_force}


def _save(values: dict[str, Any], *, logo: ImageUpdate, signature: ImageUpdate) -> dict[str, Any]:
    tag = if_match()
    based_on = None if tag is None else _revision_of(tag)
    if based_on is None and tag is not None:
        fail(
            412,
            "precondition_failed",
            "If-Match names no version of the provider settings: read them again for their ETag.",
        )
    try:
        revision = save_provider_settings(
            values,
            logo=logo,
            signature=signature,
            actor=current_account(),
            now=utcnow(),
            based_on=based_on,
        )
    except EditConflict as conflict:
        if based_on is None:
            fail(409, "conflict", conflict.message)
        fail(412, "precondition_failed", conflict.message)
    return _settings(saved=revision is not None)


def _revision_of(tag: str) -> int | None:
    """The revision an ETag names; None for a tag that is not one of ours (weak, or
    not a revision id)."""
    return int(tag) if tag.isascii() and tag.isdecimal() and len(tag) <= 10 else None


@bp.get("/admin/provider")
@access("admin")
@endpoint(
    "The provider settings in force, and their revisions",
    tag=TAG,
    response=ProviderSettingsSchema,
    etag=ETAG,
)
def provider() -> dict[str, Any]:
    return _settings()


@bp.patch("/admin/provider")
@access("admin")
@endpoint(
    "Change some provider settings (a new revision; the keys left out keep their values)",
    tag=TAG,
    body=ProviderChanges,
    response=ProviderSettingsSchema,
    errors=(409,),
    description=f"{SAVE_REFUSALS} Nothing changed: 200 with an empty changed list.",
    etag=ETAG,
)
def change_provider(body: dict[str, Any]) -> dict[str, Any]:
    values = current_provider(images=False).values()
    values.update(ProviderSchema(only=tuple(body)).dump(body) if body else {})
    return _save(values, logo="keep", signature="keep")


@bp.get(IMAGE)
@access("admin")
@endpoint(
    "The logo or signature certificates print",
    tag=TAG,
    produces=IMAGE_TYPES,
    errors=(404,),
)
def provider_image(image: str) -> Response:
    shown = getattr(current_provider(), image)
    if shown is None:
        fail(404, "not_found", f"The provider settings have no {image}.")
    answer = Response(shown.content, mimetype=shown.media_type)
    answer.headers["Cache-Control"] = "private, no-store"
    return answer


@bp.put(IMAGE)
@access("admin")
@endpoint(
    "Replace the logo or signature (a new revision)",
    tag=TAG,
    response=ProviderSettingsSchema,
    upload=Upload(IMAGE_TYPES, description="PNG or JPEG, at most 1 MB and 2000 pixels a side."),
    errors=(409,),
    description="The type is read from the bytes, not from Content-Type. 422 (in "
    "fields.logo or fields.signature) for a file that is empty, not a PNG or JPEG image, "
    "larger than 1 MB or 2000 pixels a side. 412 and 409 as for a change of the settings.",
    etag=ETAG,
)
def replace_provider_image(image: str, upload: Uploaded) -> dict[str, Any]:
    return _image_update(image, upload.content)


@bp.delete(IMAGE)
@access("admin")
@endpoint(
    "Remove the logo or signature (a new revision; certificates print without it)",
    tag=TAG,
    response=ProviderSettingsSchema,
    errors=(409,),
    description="412 and 409 as for a change of the settings.",
    etag=ETAG,
)
def remove_provider_image(image: str) -> dict[str, Any]:
    return _image_update(image, "remove")


def _image_update(image: str, update: ImageUpdate) -> dict[str, Any]:
    values = current_provider(images=False).values()
    images: dict[str, ImageUpdate] = {"logo": "keep", "signature": "keep", image: update}
    return _save(values, logo=images["logo"], signature=images["signature"])
