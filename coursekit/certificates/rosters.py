"""Board rosters: the completions of a module, shaped for one board's report, as CSV.

A roster is read from valid certificates, from their snapshots: it reports what was
certified (the legal name, identifier, course number and credit printed on the
certificate), not what a profile or a package says today. Revoked certificates certify
nothing any more, and a superseded one has a valid replacement that is reported in its
place (counting both would report one completion twice). Learners without the identifier
the board needs are left out of the CSV and listed as ``missing``: a row with an empty id
is rejected or mismatched by a board, and the fix is to correct the profile and reissue.
Columns, one by one, are described in docs/rosters.md.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import exists, func, select

from coursekit import db
from coursekit.accounts.states import STATE_NAMES
from coursekit.certificates.models import Certificate, CertificateStatus
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.packages.schemas import NCCAOM_CATEGORIES
from coursekit.progress.models import Completion
from coursekit.progress.transcript.queries import NCCAOM, board_name
from coursekit.spreadsheet import defused

NCCAOM_HEAD = ("last_name", "first_name", "nccaom_id", "course_number", "completion_date")
NCCAOM_TAIL = ("total_points", "certificate_number", "provider_number")
STATE_COLUMNS = (
    "last_name",
    "first_name",
    "licence_number",
    "course_number",
    "completion_date",
    "hours",
    "category",
    "certificate_number",
    "provider_number",
)


class RosterError(Exception):
    """A roster request that cannot be answered; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class RosterRequest:
    """Which roster: a board (``NCCAOM`` or a state code), a module, optionally one of
    its versions, and optionally the first and last completion day (inclusive, UTC)."""

    board: str
    module_id: str
    version: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Missing:
    """A certified learner left out of the roster for want of the board's identifier."""

    certificate_number: str
    legal_name: str
    completed_on: str
    needs: str

    def __str__(self) -> str:
        return (
            f"{self.legal_name} (certificate {self.certificate_number}, completed "
            f"{self.completed_on}) has no {self.needs} on the certificate"
        )


@dataclass(frozen=True)
class Roster:
    """The roster's columns and rows (cells as text), and who was left out."""

    request: RosterRequest
    columns: tuple[str, ...]
    rows: list[list[str]]
    missing: list[Missing] = field(default_factory=list)
    uncertified: int = 0
    """Completions in the period still waiting for a certificate (never issued)."""


def check_request(request: RosterRequest) -> list[ModuleVersion]:
    """The module versions the request covers; ``RosterError`` for an unknown board,
    module or version, a period that ends before it starts, or a module that grants no
    credit with the board."""
    board = request.board
    if board != NCCAOM and board not in STATE_NAMES:
        raise RosterError(
            f"Unknown board {board!r}: use NCCAOM or a state code such as CA.", "board"
        )
    if request.start and request.end and request.start > request.end:
        raise RosterError(
            f"The period starts ({request.start}) after it ends ({request.end}).", "end"
        )
    versions = list(
        db.session.scalars(
            select(ModuleVersion)
            .where(ModuleVersion.module_id == request.module_id)
            .order_by(ModuleVersion.id)
        )
    )
    if not versions:
        raise RosterError(f"There is no module {request.module_id!r}.", "module")
    if request.version is not None:
        versions = [item for item in versions if item.version == request.version]
        if not versions:
            raise RosterError(
                f"Module {request.module_id} has no version {request.version!r}.", "version"
            )
    if not any(credit.board == board for v in versions for credit in package_for(v).credits):
        which = request.module_id + (f" {request.version}" if request.version else "")
        raise RosterError(f"Module {which} grants no credit with {board_name(board)}.", "board")
    return versions


def _in_period(query: Any, request: RosterRequest) -> Any:
    if request.start is not None:
        query = query.where(
            Completion.completed_at >= datetime.combine(request.start, time.min, UTC)
        )
    if request.end is not None:
        query = query.where(Completion.completed_at <= datetime.combine(request.end, time.max, UTC))
    return query


def valid_certificates(versions: list[ModuleVersion], request: RosterRequest) -> list[Certificate]:
    """The valid certificates of completions of ``versions`` in the request's period."""
    query = (
        select(Certificate)
        .join(Completion, Completion.id == Certificate.completion_id)
        .where(
            Certificate.module_version_id.in_([version.id for version in versions]),
            Certificate.status == CertificateStatus.VALID,
        )
        .order_by(Completion.completed_at, Certificate.id)
    )
    return list(db.session.scalars(_in_period(query, request)))


def _uncertified(versions: list[ModuleVersion], request: RosterRequest) -> int:
    never_issued = ~exists().where(Certificate.completion_id == Completion.id)
    query = select(func.count(Completion.id)).where(
        Completion.module_version_id.in_([version.id for version in versions]), never_issued
    )
    return db.session.scalar(_in_period(query, request)) or 0


def build_roster(request: RosterRequest) -> Roster:
    """The roster the request asks for (``RosterError`` when it cannot be answered), in
    order of last name, first name and certificate number."""
    versions = check_request(request)
    certificates = valid_certificates(versions, request)
    board = request.board
    credited = [
        (certificate, credit)
        for certificate in certificates
        for credit in certificate.fields["credits"]
        if credit["board"] == board
    ]
    credited.sort(key=lambda pair: _name_key(pair[0]))
    if board == NCCAOM:
        categories = _categories(credit for _certificate, credit in credited)
        columns = (*NCCAOM_HEAD, *(f"points_{name}" for name in categories), *NCCAOM_TAIL)
    else:
        categories, columns = [], STATE_COLUMNS
    rows, missing = [], []
    for certificate, credit in credited:
        identifier = _identifier(certificate.fields["learner"], board)
        if not identifier:
            missing.append(_missing(certificate, board))
            continue
        rows.append(_row(certificate, credit, identifier, categories))
    uncertified = _uncertified(versions, request)
    return Roster(request, columns, rows, missing, uncertified)


def _name_key(certificate: Certificate) -> tuple[str, str, str]:
    learner = certificate.fields["learner"]
    return (learner["last_name"].casefold(), learner["first_name"].casefold(), certificate.number)


def _categories(credits: Any) -> list[str]:
    """Every NCCAOM category the certificates grant points in, in the board's order."""
    found = {line["category"] for credit in credits for line in credit["categories"]}
    order = {name: index for index, name in enumerate(NCCAOM_CATEGORIES)}
    return sorted(found, key=lambda name: (order.get(name, len(order)), name))


def _identifier(learner: dict[str, Any], board: str) -> str:
    if board == NCCAOM:
        return learner["nccaom_id"]
    numbers = [licence["number"] for licence in learner["licences"] if licence["state"] == board]
    return numbers[0] if numbers else ""


def _missing(certificate: Certificate, board: str) -> Missing:
    needs = "NCCAOM ID" if board == NCCAOM else f"{STATE_NAMES[board]} licence number"
    return Missing(
        certificate.number,
        certificate.fields["learner"]["legal_name"],
        certificate.fields["completed_on"],
        needs,
    )


def _row(
    certificate: Certificate, credit: dict[str, Any], identifier: str, categories: list[str]
) -> list[str]:
    fields = certificate.fields
    learner = fields["learner"]
    head = [
        learner["last_name"],
        learner["first_name"],
        identifier,
        credit["course_number"],
        fields["completed_on"],
    ]
    tail = [certificate.number, credit["provider_number"]]
    if credit["board"] == NCCAOM:
        points = {line["category"]: line["amount"] for line in credit["categories"]}
        return [*head, *(points.get(name, "0") for name in categories), credit["total"], *tail]
    (line,) = credit["categories"]
    return [*head, credit["total"], line["category"], *tail]


def roster_csv(roster: Roster) -> bytes:
    """The roster as CSV: UTF-8 with a byte-order mark (spreadsheet programs misread
    accented names without one), CRLF line ends, every cell defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(roster.columns)
    for row in roster.rows:
        writer.writerow([defused(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
