"""The period a transcript totals over: all time, a board's renewal cycle, or two dates.

CourseKit does not store a learner's cycle dates (each board sets them per licensee, from
the licence's issue or renewal date), so the cycle presets are the 4 (NCCAOM) or 2
(California) years up to today; a learner who knows their own cycle enters its dates.
Dates are calendar days in UTC, the zone every timestamp is stored in, and both ends are
inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from wtforms import DateField, Form, RadioField
from wtforms.validators import Optional

ALL_TIME = "all"
CUSTOM = "custom"
CYCLES = {"nccaom": ("NCCAOM cycle", 4), "california": ("California cycle", 2)}
"""Preset key: its name and its length in years."""
DAY = "%d %B %Y"


@dataclass(frozen=True)
class Period:
    """A named range of completion dates; no dates means all time."""

    key: str
    name: str
    start: date | None = None
    end: date | None = None

    @property
    def since(self) -> datetime | None:
        """The first instant of the first day, in UTC."""
        return None if self.start is None else datetime.combine(self.start, time.min, UTC)

    @property
    def until(self) -> datetime | None:
        """The last instant of the last day, in UTC (inclusive; no day after it is ever
        computed, so the last representable date cannot overflow)."""
        return None if self.end is None else datetime.combine(self.end, time.max, UTC)

    @property
    def dates(self) -> str:
        """``22 November 2022 to 21 November 2026``; empty for all time."""
        if self.start is None or self.end is None:
            return ""
        return f"{self.start.strftime(DAY)} to {self.end.strftime(DAY)}"

    @property
    def description(self) -> str:
        """The name with the dates, for headings: ``NCCAOM cycle, 22 November 2022 to …``."""
        if not self.dates:
            return self.name
        return self.dates if self.key == CUSTOM else f"{self.name}, {self.dates}"

    @property
    def query_args(self) -> dict[str, str]:
        """The query string that chooses this period again (for the download links)."""
        if self.key != CUSTOM or self.start is None or self.end is None:
            return {"period": self.key}
        return {"period": CUSTOM, "start": self.start.isoformat(), "end": self.end.isoformat()}

    @property
    def slug(self) -> str:
        """A file-name part: ``all-time`` or ``2022-11-22_2026-11-21``."""
        if self.start is None or self.end is None:
            return "all-time"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 28 February stands in for a 29 February
    that year lacks."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def preset(key: str, today: date) -> Period:
    """All time, or a cycle preset: the ``years`` up to and including ``today``."""
    if key == ALL_TIME:
        return Period(ALL_TIME, "All time")
    name, years = CYCLES[key]
    return Period(key, name, years_before(today, years) + timedelta(days=1), today)


class PeriodForm(Form):
    """The period chooser. It is read from the query string and changes nothing, so it
    carries no CSRF token and its links can be bookmarked."""

    period = RadioField("Period", default=ALL_TIME)
    start = DateField("First day", validators=[Optional()], description="YYYY-MM-DD")
    end = DateField("Last day", validators=[Optional()], description="YYYY-MM-DD")

    def __init__(self, formdata: Any, *, today: date) -> None:
        super().__init__(formdata)
        self.today = today
        choices = [(ALL_TIME, "All time")]
        for key, (name, years) in CYCLES.items():
            dates = preset(key, today).dates
            choices.append((key, f"{name}: the {years} years up to today, {dates}"))
        self.period.choices = [*choices, (CUSTOM, "Dates I choose")]

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, then the dates a custom period needs, in order."""
        super().validate(extra_validators)
        start, end = self.start, self.end
        if self.period.data != CUSTOM:
            # A preset does not read the dates, even ones typed before choosing it.
            start.errors, end.errors = [], []
            return not self.errors
        for field, which in ((start, "first"), (end, "last")):
            if field.data is None and not field.errors:
                field.errors.append(f"Enter the {which} day of the period.")
        if start.data is not None and end.data is not None and end.data < start.data:
            end.errors.append("The last day must not be before the first day.")
        return not self.errors

    def chosen(self) -> Period | None:
        """The valid period the form asks for, or None (the errors are on the fields)."""
        if not self.validate():
            return None
        if self.period.data == CUSTOM:
            return Period(CUSTOM, "Dates I chose", self.start.data, self.end.data)
        return preset(self.period.data, self.today)
