"""Reading the provider settings in force."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import undefer

from coursekit import db
from coursekit.certificates.provider.models import ProviderSettingsRevision
from coursekit.certificates.provider.values import Image, Provider, provider_from


def current_provider(*, images: bool = True) -> Provider:
    """The latest saved revision, or ``COURSEKIT_PROVIDER`` before any was saved (one
    query). ``images=False`` skips reading the logo and signature."""
    return provider_of(latest_revision(images=images), images=images)


def latest_revision(*, images: bool = True) -> ProviderSettingsRevision | None:
    """The revision in force, None before any was saved (one query); ``images=False``
    leaves the logo and signature unread."""
    query = select(ProviderSettingsRevision).order_by(ProviderSettingsRevision.id.desc()).limit(1)
    if images:
        query = query.options(
            undefer(ProviderSettingsRevision.logo), undefer(ProviderSettingsRevision.signature)
        )
    return db.session.scalar(query)


def provider_of(revision: ProviderSettingsRevision | None, *, images: bool = True) -> Provider:
    """The provider a revision describes, or the configured one for None (no query)."""
    if revision is None:
        return configured_provider(images=images)
    return provider_from(
        revision.values,
        _image(revision.logo_type, revision.logo) if images else None,
        _image(revision.signature_type, revision.signature) if images else None,
    )


def configured_provider(*, images: bool = True) -> Provider:
    """The provider as ``COURSEKIT_PROVIDER`` describes it (its name defaulting to
    ``COURSEKIT_PROVIDER_NAME``); ``logo`` and ``signature`` there are paths of PNG or
    JPEG files (relative to the instance folder)."""
    values = dict(current_app.config["COURSEKIT_PROVIDER"])
    values.setdefault("name", current_app.config["COURSEKIT_PROVIDER_NAME"])
    logo = _image_file(values.pop("logo", None)) if images else None
    signature = _image_file(values.pop("signature", None)) if images else None
    return provider_from(values, logo, signature)


def _image(media_type: str | None, content: bytes | None) -> Image | None:
    return Image(media_type, content) if media_type and content else None


def _image_file(path: str | None) -> Image | None:
    if not path:
        return None
    file = Path(current_app.instance_path, path)
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return Image(media_type, file.read_bytes())
