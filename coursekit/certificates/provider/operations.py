"""Saving the provider settings: a new revision each time, never an edit of an old one.

Certificates copy what they print, so a revision changes only certificates issued after
it; the revisions themselves stay, so it is known what was in force when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.operations import record
from coursekit.certificates.admin_queries import provider_history
from coursekit.certificates.provider.models import ProviderSettingsRevision
from coursekit.certificates.provider.queries import latest_revision, provider_of
from coursekit.certificates.provider.schemas import ProviderSchema, checked_image, flat_messages
from coursekit.certificates.provider.values import Image, Provider, provider_from
from coursekit.errors import CourseKitError, ValidationFailed

ImageUpdate = bytes | Literal["keep", "remove"]
"""What to do with the logo or signature: new bytes, keep the current one, or remove it."""
IMAGE_KEYS = ("logo", "signature")


class EditConflict(CourseKitError):
    """The settings changed after the editor read them: nothing was saved. ``current``
    is the revision in force now, which the editor can base a new save on."""

    def __init__(self, message: str, current: int) -> None:
        super().__init__(message)
        self.message, self.current = message, current


def save_provider_settings(
    values: dict[str, Any],
    *,
    logo: ImageUpdate,
    signature: ImageUpdate,
    actor: User,
    now: datetime,
    based_on: int | None = None,
) -> ProviderSettingsRevision | None:
    """Append a revision with ``values`` (JSON values, checked by :class:`ProviderSchema`)
    and the images, and an audit entry naming the keys that changed. Returns None, and
    writes nothing, when nothing changed; ``ValidationFailed`` when a value or an image
    breaks a rule (nothing is written then either).

    ``based_on`` is the revision the editor read (0: none saved yet); when another has
    replaced it since, :class:`EditConflict` is raised and nothing is written. None
    saves over whatever is in force (a client that sent no ``If-Match``)."""
    latest = latest_revision()
    in_force = latest.id if latest else 0
    if based_on is not None and based_on != in_force:
        raise EditConflict(_changed_since(based_on), in_force)
    errors: dict[str, list[str]] = {}
    try:
        loaded = ProviderSchema().load({**values, "logo": None, "signature": None})
    except ValidationError as failure:
        errors = {key: flat_messages(texts) for key, texts in failure.messages_dict.items()}
        loaded = {}
    current = provider_of(latest)
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
        based_on_id=in_force,
        saved_at=now,
        saved_by_id=actor.id,
        values=new.values(),
        logo=new.logo.content if new.logo else None,
        logo_type=new.logo.media_type if new.logo else None,
        signature=new.signature.content if new.signature else None,
        signature_type=new.signature.media_type if new.signature else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(revision)
    except IntegrityError:
        # Another save based on the same revision committed between our read and write.
        raise EditConflict(
            "Another administrator saved the settings at the same moment, so nothing was "
            "saved. Check the settings as they are now and save your change again.",
            in_force,
        ) from None
    record("provider.saved", "provider", actor=actor, at=now, revision=revision.id, changed=changed)
    return revision


def _changed_since(based_on: int) -> str:
    """What the editor is told when revisions were saved after ``based_on``."""
    newer = [save for save in provider_history() if save.revision_id > based_on]
    changed = sorted({key for save in newer for key in save.changed})
    last = newer[0] if newer else None
    who = last.saved_by.full_name if last and last.saved_by else "another administrator"
    when = f" at {last.saved_at:%Y-%m-%d %H:%M} UTC" if last else ""
    what = f" (changed: {', '.join(changed)})" if changed else ""
    return (
        f"The settings were saved by {who}{when}{what} after you opened them, so nothing "
        "was saved. Check the settings as they are now and save your change again."
    )


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
