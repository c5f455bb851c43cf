"""The forms of the roster pages: which roster (board, module, version, period), and
which audit packet (module version, period)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from coursekit import db
from coursekit.accounts.states import STATE_NAMES
from coursekit.certificates.audit_packet import PacketRequest
from coursekit.certificates.rosters import RosterError, RosterRequest
from coursekit.packages.models import ModuleVersion
from coursekit.progress.transcript.queries import NCCAOM

BOARD_CHOICES = [
    SelectChoice(NCCAOM, "NCCAOM"),
    *(
        SelectChoice(code, f"{name} ({code})")
        for code, name in sorted(STATE_NAMES.items(), key=lambda item: item[1])
    ),
]


def module_choices() -> list[SelectChoice]:
    """Every module that has been published, by title (one query)."""
    rows = db.session.execute(
        select(ModuleVersion.module_id, ModuleVersion.title).order_by(ModuleVersion.id)
    )
    titles = {module_id: title for module_id, title in rows}  # the newest title wins
    ordered = sorted(titles.items(), key=lambda item: (item[1].casefold(), item[0]))
    return [SelectChoice(key, f"{title} ({key})") for key, title in ordered]


class _PeriodForm(FlaskForm):
    """The module and the period; the subclasses add what else they ask for."""

    module = SelectField("Module", validators=[DataRequired("Choose a module.")])
    start = DateField("First completion day", validators=[Optional()], description="YYYY-MM-DD")
    end = DateField(
        "Last completion day", validators=[Optional()], description="YYYY-MM-DD, included"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.module.choices = module_choices()

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, then a period that does not end before it starts."""
        valid = super().validate(extra_validators)
        start, end = self.start.data, self.end.data
        if start is not None and end is not None and end < start:
            self.end.errors.append("The last day must not be before the first day.")
            return False
        return valid

    def refuse(self, error: RosterError) -> None:
        """Show a refusal of the roster rules on the field it is about."""
        target = getattr(self, error.field, None) or self.module
        target.errors = [*target.errors, error.message]


class RosterForm(_PeriodForm):
    """Which roster. Read from the query string for the preview (no CSRF token: it
    changes nothing) and from the posted form for the download, which keeps the export."""

    board = SelectField("Board", choices=BOARD_CHOICES, default=NCCAOM)
    version = StringField(
        "Version",
        validators=[Optional(), Length(max=64)],
        description="Leave empty for every version of the module.",
    )

    def roster_request(self) -> RosterRequest:
        """The request the (valid) form makes."""
        return RosterRequest(
            self.board.data,
            self.module.data,
            (self.version.data or "").strip() or None,
            self.start.data,
            self.end.data,
        )


class PacketForm(_PeriodForm):
    """Which audit packet: one module version, and optionally a period."""

    version = StringField(
        "Version", validators=[DataRequired("Enter the module version."), Length(max=64)]
    )

    def packet_request(self) -> PacketRequest:
        """The request the (valid) form makes."""
        return PacketRequest(
            self.module.data, self.version.data.strip(), self.start.data, self.end.data
        )
