"""Saving the provider settings: a new revision each time, never an edit of an old one.

Certificates copy what they print, so a revision changes only certificates issued after
it; the revisions themselves stay, so it is known what was in force when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from marshmallow import ValidationError

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.operations import record
from coursekit.certificates.provider.models import ProviderSettingsRevision
from coursekit.certificates.provider.queries import current_provider
from coursekit.certificates.provider.schemas import ProviderSchema, checked_image, flat_messages
from coursekit.certificates.provider.values import Image, Provider, provider_from
from coursekit.errors import ValidationFailed

ImageUpdate = bytes | Literal["keep", "remove"]
"""What to do with the logo or signature: new bytes, keep the current one, or remove it."""
IMAGE_KEYS = ("logo", "signature")


def save_provider_settings(
    values: dict[str, Any],
    *,
    logo: ImageUpdate,
    signature: ImageUpdate,
    actor: User,
    now: datetime,
) -> ProviderSettingsRevision | None:
    """Append a revision with ``values`` (JSON values, checked by :class:`ProviderSchema`)
    and the images, and an audit entry naming the keys that changed. Returns None, and
    writes nothing, when nothing changed; ``ValidationFailed`` when a value or an image
    breaks a rule (nothing is written then either)."""
    errors: dict[str, list[str]] = {}
    try:
        loaded = ProviderSchema().load({**values, "logo": None, "signature": None})
    except ValidationError as failure:
        errors = {key: flat_messages(texts) for key, texts in failure.messages_dict.items()}
        loaded = {}
    current = current_provider()
    images: dict[str, Image | None] = {}
    for key, update in (("logo", logo), ("signature", signature)):
        try:
            images[key] = _image_after(getattr(current, key), update)
        except ValueError as problem:
            errors[key] = [str(problem)]
    if errors:
        raise ValidationFailed(errors)
    for key in IMAGE_KEYS:
        loaded.pop(key)
    new = provider_from(loaded, images["logo"], images["signature"])
    changed = changed_keys(current, new)
    if not changed:
        return None
    revision = ProviderSettingsRevision(
        saved_at=now,
        saved_by_id=actor.id,
        values=new.values(),
        logo=new.logo.content if new.logo else None,
        logo_type=new.logo.media_type if new.logo else None,
        signature=new.signature.content if new.signature else None,
        signature_type=new.signature.media_type if new.signature else None,
    )
    db.session.add(revision)
    db.session.flush()
    record("provider.saved", "provider", actor=actor, at=now, revision=revision.id, changed=changed)
    return revision


def changed_keys(before: Provider, after: Provider) -> list[str]:
    """The settings (images included) that differ between two providers, in form order."""
    old, new = before.values(), after.values()
    changed = [key for key in new if old.get(key) != new[key]]
    return changed + [key for key in IMAGE_KEYS if getattr(before, key) != getattr(after, key)]


def _image_after(current: Image | None, update: ImageUpdate) -> Image | None:
    if update == "keep":
        return current
    if update == "remove":
        return None
    return Image(checked_image(update), update)
