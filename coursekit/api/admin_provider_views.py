"""The provider settings as JSON, through the settings page's operation and rules: read
them, change some values, and replace or remove the logo and signature. Every change
saves a new revision (certificates already issued keep what they printed)."""

from __future__ import annotations

from typing import Any

from flask import Response

from coursekit.access import access, current_account
from coursekit.api.endpoint import Upload, Uploaded, endpoint
from coursekit.api.errors import fail
from coursekit.api.routes import bp
from coursekit.api.schemas.provider import ProviderChanges, ProviderSettingsSchema
from coursekit.certificates.admin_queries import provider_history
from coursekit.certificates.provider.operations import ImageUpdate, save_provider_settings
from coursekit.certificates.provider.queries import current_provider
from coursekit.certificates.provider.schemas import ProviderSchema
from coursekit.certificates.provider.values import IMAGE_TYPES
from coursekit.db import utcnow

TAG = "admin: settings"
IMAGE = "/admin/provider/<any(logo, signature):image>"
SAVE_REFUSALS = (
    "422 (the fields at fault in fields) when a value breaks a rule: an unknown state "
    "code, an approval that ends before it starts, a text too long."
)


def _settings(saved: bool = False) -> dict[str, Any]:
    history = provider_history()
    changed = history[0].changed if saved and history else []
    return {"provider": current_provider(), "history": history, "changed": changed}


def _save(values: dict[str, Any], *, logo: ImageUpdate, signature: ImageUpdate) -> dict[str, Any]:
    revision = save_provider_settings(
        values, logo=logo, signature=signature, actor=current_account(), now=utcnow()
    )
    return _settings(saved=revision is not None)


@bp.get("/admin/provider")
@access("admin")
@endpoint(
    "The provider settings in force, and their revisions",
    tag=TAG,
    response=ProviderSettingsSchema,
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
    description=f"{SAVE_REFUSALS} Nothing changed: 200 with an empty changed list.",
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
    description="The type is read from the bytes, not from Content-Type. 422 (in "
    "fields.logo or fields.signature) for a file that is empty, not a PNG or JPEG image, "
    "larger than 1 MB or 2000 pixels a side.",
)
def replace_provider_image(image: str, upload: Uploaded) -> dict[str, Any]:
    return _image_update(image, upload.content)


@bp.delete(IMAGE)
@access("admin")
@endpoint(
    "Remove the logo or signature (a new revision; certificates print without it)",
    tag=TAG,
    response=ProviderSettingsSchema,
)
def remove_provider_image(image: str) -> dict[str, Any]:
    return _image_update(image, "remove")


def _image_update(image: str, update: ImageUpdate) -> dict[str, Any]:
    values = current_provider(images=False).values()
    images: dict[str, ImageUpdate] = {"logo": "keep", "signature": "keep", image: update}
    return _save(values, logo=images["logo"], signature=images["signature"])
