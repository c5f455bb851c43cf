"""The rules on provider settings, shared by the settings page and ``COURSEKIT_PROVIDER``.

One marshmallow schema checks both: what an administrator types in the browser, and the
mapping a deployment writes in its configuration. The configuration is checked when the
app starts (a wrong issuing mode or a missing logo file must stop the app, not the first
learner's certificate); images named there are checked by content as uploads are.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date
from pathlib import Path
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validates,
    validates_schema,
)
from marshmallow.validate import Length, OneOf, Range
from PIL import Image, UnidentifiedImageError

from coursekit.accounts.states import STATE_NAMES
from coursekit.certificates.provider.values import (
    DEFAULT_DISCLAIMER,
    DEFAULT_RETENTION_NOTICE,
    ISSUING_MODES,
    PAGE_SIZES,
)

IMAGE_MAX_BYTES = 1024 * 1024
IMAGE_MAX_PIXELS = 2000
"""Logos and signatures are printed a few centimetres wide: 2,000 pixels a side is more
than any print needs, and keeps every certificate's rendering (and its PDF) small."""
_PILLOW_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


class ProviderSettingInvalid(RuntimeError):
    """``COURSEKIT_PROVIDER`` breaks a rule; the message names each problem."""


class ProviderSchema(Schema):
    """Provider settings as JSON values. Text fields default to empty, and the notices to
    their standard wording; unknown keys are refused (a misspelt key would otherwise be
    silently ignored and its value never printed)."""

    class Meta:
        unknown = RAISE

    name = fields.String(load_default="", validate=Length(max=200))
    address = fields.String(load_default="", validate=Length(max=500))
    contact = fields.String(load_default="", validate=Length(max=300))
    website = fields.String(load_default="", validate=Length(max=300))
    nccaom_provider_number = fields.String(load_default="", validate=Length(max=40))
    nccaom_approved_from = fields.Date(load_default=None, allow_none=True)
    nccaom_approved_until = fields.Date(load_default=None, allow_none=True)
    state_numbers = fields.Dict(
        keys=fields.String(), values=fields.String(validate=Length(1, 40)), load_default=dict
    )
    signatory_name = fields.String(load_default="", validate=Length(max=200))
    signatory_title = fields.String(load_default="", validate=Length(max=200))
    disclaimer = fields.String(load_default=DEFAULT_DISCLAIMER, validate=Length(max=2000))
    retention_notice = fields.String(
        load_default=DEFAULT_RETENTION_NOTICE, validate=Length(max=1000)
    )
    issuing = fields.String(load_default="automatic", validate=OneOf(ISSUING_MODES))
    page_size = fields.String(load_default="Letter", validate=OneOf(PAGE_SIZES))
    validity_months = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=Range(1, 600)
    )
    # Only in the configuration: paths of image files in the instance folder. The
    # settings page takes uploads instead.
    logo = fields.String(load_default=None, allow_none=True)
    signature = fields.String(load_default=None, allow_none=True)

    @pre_load
    def _plain_values(self, data: Any, **_kwargs: Any) -> Any:
        """Accept what a Python configuration file naturally holds: ``date`` objects, and
        state numbers as (state, number) pairs."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("nccaom_approved_from", "nccaom_approved_until"):
            if isinstance(data.get(key), date):
                data[key] = data[key].isoformat()
        if isinstance(data.get("state_numbers"), list | tuple):
            # Pairs that are not pairs are left as they are, and the field refuses them.
            with contextlib.suppress(TypeError, ValueError):
                data["state_numbers"] = {state: number for state, number in data["state_numbers"]}
        return data

    @validates("state_numbers")
    def _known_states(self, value: dict[str, str], **_kwargs: Any) -> None:
        unknown = sorted(state for state in value if state not in STATE_NAMES)
        if unknown:
            raise ValidationError(
                f"Unknown state code {', '.join(unknown)}: use the two capital letters of a "
                "US state or territory, such as CA or FL."
            )

    @validates_schema
    def _approval_period(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("nccaom_approved_from"), data.get("nccaom_approved_until")
        if start is not None and end is not None and end < start:
            raise ValidationError(
                "The approval cannot end before it starts.", field_name="nccaom_approved_until"
            )


def flat_messages(messages: Any) -> list[str]:
    """marshmallow's (possibly nested) error messages as plain sentences."""
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in flat_messages(value)]
    return [text for value in messages for text in flat_messages(value)]


def checked_image(content: bytes) -> str:
    """The media type of a logo or signature, read from its bytes (never from a file
    name); ``ValueError`` with the reason, in words, when it cannot be used."""
    if not content:
        raise ValueError("The file is empty.")
    if len(content) > IMAGE_MAX_BYTES:
        raise ValueError(f"The image is larger than {IMAGE_MAX_BYTES // 1024} KB.")
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()  # reads the whole file: a truncated or corrupt one fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValueError("The file is not a PNG or JPEG image.") from None
    if kind not in _PILLOW_TYPES:
        raise ValueError(f"The image is {kind}; use PNG or JPEG.")
    if width > IMAGE_MAX_PIXELS or height > IMAGE_MAX_PIXELS:
        raise ValueError(
            f"The image is {width} by {height} pixels; at most {IMAGE_MAX_PIXELS} pixels a side."
        )
    return _PILLOW_TYPES[kind]


def check_provider_setting(setting: Any, instance_path: str) -> None:
    """Check ``COURSEKIT_PROVIDER`` at start-up; ``ProviderSettingInvalid`` names every
    problem, so one restart is enough to see them all."""
    if not isinstance(setting, dict):
        raise ProviderSettingInvalid(
            f"COURSEKIT_PROVIDER must be a mapping, not {type(setting).__name__}."
        )
    errors = {
        key: flat_messages(value) for key, value in ProviderSchema().validate(setting).items()
    }
    for key in ("logo", "signature"):
        path = setting.get(key)
        if not path or not isinstance(path, str):
            continue
        file = Path(instance_path, path)
        try:
            checked_image(file.read_bytes())
        except OSError:
            errors.setdefault(key, []).append(f"No readable file at {file}.")
        except ValueError as problem:
            errors.setdefault(key, []).append(f"{file}: {problem}")
    if errors:
        problems = "; ".join(f"{key}: {' '.join(texts)}" for key, texts in sorted(errors.items()))
        raise ProviderSettingInvalid(f"COURSEKIT_PROVIDER is not valid. {problems}")
