"""The provider settings as administrators read and change them over the API.

The values are :class:`ProviderSchema`'s, the same rules the settings page and
``COURSEKIT_PROVIDER`` are checked with; the logo and signature are files of their own
(``/admin/provider/logo``), described here by their type, size and hash.
"""

from __future__ import annotations

import hashlib
from typing import Any

from marshmallow import Schema, fields, missing, pre_dump

from coursekit.api.schemas.staff import PersonSchema
from coursekit.certificates.provider.operations import IMAGE_KEYS
from coursekit.certificates.provider.schemas import ProviderSchema
from coursekit.certificates.provider.values import Image, Provider


class ProviderChanges(ProviderSchema):
    """The settings to change: only the keys sent change, the others keep their values.

    Each field keeps its rules but not its default, which is the configuration's (a key
    left out of a change must not reset it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(exclude=IMAGE_KEYS, **kwargs)
        for field in self.fields.values():
            field.load_default = missing


class ImageSchema(Schema):
    """A logo or signature: read its bytes at its own address."""

    media_type = fields.String(metadata={"description": "image/png or image/jpeg."})
    bytes = fields.Integer()
    sha256 = fields.String()


class ProviderSaveSchema(Schema):
    """One saved revision: who, when, which settings it changed."""

    revision_id = fields.Integer()
    saved_at = fields.AwareDateTime()
    saved_by = fields.Nested(PersonSchema, allow_none=True)
    changed = fields.List(fields.String())


class ProviderSettingsSchema(Schema):
    """The settings in force: what every certificate issued from now on prints."""

    revision_id = fields.Integer(
        metadata={
            "description": "The revision in force (0 before the first save); also the "
            "ETag, to send in If-Match with a change."
        }
    )
    settings = fields.Nested(ProviderSchema(exclude=IMAGE_KEYS))
    logo = fields.Nested(ImageSchema, allow_none=True)
    signature = fields.Nested(ImageSchema, allow_none=True)
    missing_for_issuing = fields.List(
        fields.String(),
        metadata={"description": "What must be filled in before a certificate can be issued."},
    )
    history = fields.List(
        fields.Nested(ProviderSaveSchema), metadata={"description": "Newest first, up to 50."}
    )
    changed = fields.List(
        fields.String(),
        metadata={"description": "The settings this request changed; empty when it changed none."},
    )

    @pre_dump
    def readable(self, shown: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        provider: Provider = shown["provider"]
        settings = {key: getattr(provider, key) for key in Provider().values()}
        settings["state_numbers"] = dict(provider.state_numbers)
        return {
            "revision_id": shown["revision_id"],
            "settings": settings,
            "logo": _described(provider.logo),
            "signature": _described(provider.signature),
            "missing_for_issuing": provider.missing_for_issuing(),
            "history": shown["history"],
            "changed": shown["changed"],
        }


def _described(image: Image | None) -> dict[str, Any] | None:
    if image is None:
        return None
    return {
        "media_type": image.media_type,
        "bytes": len(image.content),
        "sha256": hashlib.sha256(image.content).hexdigest(),
    }
