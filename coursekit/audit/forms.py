"""The audit log's filter form, read from the query string.

It changes nothing, so it carries no CSRF token and a filtered view can be bookmarked or
shared; the CSV link repeats the same query string. Dates are calendar days in UTC (the
zone every entry is stored in), both ends inclusive, as on the transcript.
"""

from __future__ import annotations

from typing import Any

from wtforms import DateField, Form, SearchField, SelectField
from wtforms.validators import Length, Optional

from coursekit.audit.queries import AuditFilter, filter_for
from coursekit.errors import ValidationFailed

TEXT_LIMIT = 200


class AuditFilterForm(Form):
    """Free text, an action, an actor, a subject and a range of days."""

    q = SearchField(
        "Search", [Optional(), Length(max=TEXT_LIMIT)], description="action, subject or reason"
    )
    action = SelectField("Action", validate_choice=False)
    actor = SearchField("Who", [Optional(), Length(max=TEXT_LIMIT)], description="email or name")
    subject = SearchField(
        "Subject",
        [Optional(), Length(max=TEXT_LIMIT)],
        description="certificate:17, user:5, or a kind: certificate",
    )
    start = DateField(
        "From", [Optional()], description="YYYY-MM-DD", render_kw={"placeholder": "YYYY-MM-DD"}
    )
    end = DateField(
        "To", [Optional()], description="YYYY-MM-DD", render_kw={"placeholder": "YYYY-MM-DD"}
    )

    def __init__(self, formdata: Any, *, actions: list[str]) -> None:
        super().__init__(formdata)
        chosen = self.action.data or ""
        # A bookmarked action that no entry has any more still shows as chosen.
        present = actions if not chosen or chosen in actions else [*actions, chosen]
        self.action.choices = [("", "Any action"), *((name, name) for name in present)]

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, with clearer words for a date that is not one, then
        ``filter_for``'s rules (the API's too): the order of the two dates."""
        self._filter: AuditFilter | None = None
        super().validate(extra_validators)
        for field, which in ((self.start, "first"), (self.end, "last")):
            if field.errors and field.raw_data and field.raw_data[0].strip():
                field.errors = [f"Enter the {which} day as YYYY-MM-DD, e.g. 2026-03-31."]
        if not self.errors:
            try:
                self._filter = filter_for(
                    text=self.q.data or "",
                    action=self.action.data or "",
                    actor=self.actor.data or "",
                    subject=self.subject.data or "",
                    first_day=self.start.data,
                    last_day=self.end.data,
                )
            except ValidationFailed as failure:
                self.end.errors = [*self.end.errors, *failure.errors["end"]]
        return self._filter is not None

    def chosen(self) -> AuditFilter | None:
        """The filter the form asks for, or None when it is invalid (the errors are on
        the fields)."""
        return self._filter if self.validate() else None

    @property
    def query_args(self) -> dict[str, str]:
        """The query string that asks for this filter again (pager and CSV links)."""
        args = {
            "q": self.q.data or "",
            "action": self.action.data or "",
            "actor": self.actor.data or "",
            "subject": self.subject.data or "",
            "start": self.start.data.isoformat() if self.start.data else "",
            "end": self.end.data.isoformat() if self.end.data else "",
        }
        return {key: value for key, value in args.items() if value}
