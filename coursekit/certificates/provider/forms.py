"""The provider settings form. It says which fields exist and turns what was typed into
JSON values; the rules on those values are :class:`ProviderSchema`'s, which the
configuration is checked with too."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import HiddenInput

from coursekit.certificates.provider.operations import ImageUpdate
from coursekit.certificates.provider.schemas import IMAGE_MAX_BYTES
from coursekit.certificates.provider.values import Provider
from coursekit.db import MAX_ID

TEXT_KEYS = (
    "name",
    "address",
    "contact",
    "website",
    "nccaom_provider_number",
    "signatory_name",
    "signatory_title",
    "disclaimer",
    "retention_notice",
    "issuing",
    "page_size",
)


def parse_state_numbers(text: str) -> dict[str, str]:
    """``CA CEP-1234`` lines as {state: number}; ``ValueError`` naming the bad line."""
    numbers: dict[str, str] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        state, _, number = line.strip().partition(" ")
        state, number = state.upper(), number.strip()
        if not number:
            raise ValueError(f"Line {line_number}: write the state code, a space, the number.")
        if state in numbers:
            raise ValueError(f"Line {line_number}: {state} is given twice.")
        numbers[state] = number
    return numbers


class ProviderForm(FlaskForm):
    revision = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=MAX_ID)]
    )
    """The revision the form was filled from: a save over a newer one is refused."""
    name = StringField("Provider name", description="As approved by NCCAOM and the boards.")
    address = TextAreaField("Postal address")
    contact = StringField("Contact", description="Email and telephone learners and boards use.")
    website = StringField("Website")
    nccaom_provider_number = StringField(
        "NCCAOM provider number", description="The number in PDA course numbers (PDA-602-…)."
    )
    nccaom_approved_from = DateField("NCCAOM approval from", validators=[Optional()])
    nccaom_approved_until = DateField("NCCAOM approval until", validators=[Optional()])
    state_numbers = TextAreaField(
        "State board provider numbers",
        description="One per line: the state code, a space, the number (e.g. CA CEP-1234).",
    )
    signatory_name = StringField("Signatory name")
    signatory_title = StringField("Signatory title")
    signature = FileField("Signature image", description="PNG or JPEG, at most 1 MB.")
    remove_signature = BooleanField("Remove the current signature image")
    logo = FileField("Logo", description="PNG or JPEG, at most 1 MB and 2000 pixels a side.")
    remove_logo = BooleanField("Remove the current logo")
    disclaimer = TextAreaField("Scope-of-practice disclaimer")
    retention_notice = TextAreaField("Record retention notice")
    issuing = RadioField(
        "Issuing",
        choices=[
            SelectChoice("automatic", "Automatically when a learner completes a module"),
            SelectChoice("approval", "After an administrator approves each (approval queue)"),
        ],
    )
    page_size = RadioField(
        "Page size", choices=[SelectChoice("Letter", "US Letter"), SelectChoice("A4", "A4")]
    )
    validity_months = IntegerField(
        "Validity in months (optional)",
        validators=[Optional(), NumberRange(min=1, max=600)],
        description="Empty: certificates never expire.",
    )

    @classmethod
    def for_provider(cls, provider: Provider, revision: int) -> ProviderForm:
        """The form filled in with the settings in force, saved as ``revision`` (on GET)."""
        data: dict[str, Any] = {key: getattr(provider, key) for key in TEXT_KEYS}
        data.update(
            revision=revision,
            nccaom_approved_from=provider.nccaom_approved_from,
            nccaom_approved_until=provider.nccaom_approved_until,
            state_numbers="\n".join(f"{s} {n}" for s, n in provider.state_numbers),
            validity_months=provider.validity_months,
        )
        return cls(data=data)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.revision.errors:
            # A hidden field has no place to show its error.
            self.form_errors.append("This form is damaged: reload the page and try again.")
        return valid

    def rebase(self, revision: int) -> None:
        """After an edit conflict: saving again saves over ``revision``, now in force."""
        self.revision.raw_data, self.revision.data = None, revision

    def validate_state_numbers(self, field: TextAreaField) -> None:
        try:
            parse_state_numbers(field.data or "")
        except ValueError as problem:
            raise ValidationError(str(problem)) from None

    def values(self) -> dict[str, Any]:
        """What was typed, as JSON values for :class:`ProviderSchema`."""
        values: dict[str, Any] = {key: (getattr(self, key).data or "").strip() for key in TEXT_KEYS}
        for key in ("nccaom_approved_from", "nccaom_approved_until"):
            day = getattr(self, key).data
            values[key] = day.isoformat() if day else None
        values["state_numbers"] = parse_state_numbers(self.state_numbers.data or "")
        values["validity_months"] = self.validity_months.data
        return values

    def image_update(self, key: str) -> ImageUpdate:
        """The upload for ``key`` (``logo`` or ``signature``): its bytes (read up to just
        past the limit, so an oversized file is refused without reading all of it), or
        ``remove`` when its box is ticked, or ``keep`` when no file was chosen."""
        if getattr(self, f"remove_{key}").data:
            return "remove"
        if not self.chosen_file(key):
            return "keep"
        return getattr(self, key).data.stream.read(IMAGE_MAX_BYTES + 1) or b""

    def chosen_file(self, key: str) -> bool:
        """Whether a file was chosen for ``key`` (``logo`` or ``signature``)."""
        upload = getattr(self, key).data
        return isinstance(upload, FileStorage) and bool(upload.filename)
