"""Reading a learner's CE transcript: their completions in a period, with the credit each
module version's package grants, and the totals per board and category.

One query reads the completions with their module versions, whatever their number; the
credit comes from each version's package, which this process keeps once loaded (a
version no request has loaded yet costs one query for its archive, once per process).
Amounts are summed as decimals, so 0.1-point steps add up exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.accounts.states import STATE_NAMES
from coursekit.certificates.models import Certificate, CertificateStatus
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.packages.schemas import NCCAOM_CATEGORIES
from coursekit.packages.values import Credit
from coursekit.progress.models import Completion
from coursekit.progress.transcript.periods import Period

NCCAOM = "NCCAOM"


@dataclass(frozen=True)
class CreditLine:
    """One amount of credit: NCCAOM points in one category, or a state board's hours."""

    board: str
    category: str
    amount: Decimal
    course_number: str
    provider_number: str


@dataclass(frozen=True)
class Entry:
    """One completed module version and the credit its package grants."""

    completed_at: datetime
    module_id: str
    title: str
    version: str
    credits: tuple[Credit, ...]
    certificate_number: str = ""
    """The number of the completion's valid certificate; '' while it has none."""

    def lines(self) -> Iterator[CreditLine]:
        """The credit as amounts per board and category."""
        for credit in self.credits:
            yield from credit_lines(credit)


@dataclass(frozen=True)
class BoardTotal:
    """What the period's completions add up to with one board."""

    board: str
    total: Decimal
    categories: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class Transcript:
    """A learner's completions in a period, and what they add up to per board."""

    learner: User
    period: Period
    entries: tuple[Entry, ...]
    totals: tuple[BoardTotal, ...]


def credit_lines(credit: Credit) -> Iterator[CreditLine]:
    """A credit as amounts: one per NCCAOM category, or the state board's hours."""
    numbers = (credit.course_number, credit.provider_number)
    if credit.points:
        for category, points in credit.points:
            yield CreditLine(credit.board, category, _decimal(points), *numbers)
    else:
        yield CreditLine(credit.board, credit.category, _decimal(credit.hours), *numbers)


def transcript_for(learner: User, period: Period) -> Transcript:
    """The learner's completions in ``period``, oldest first, with their totals."""
    query = (
        select(Completion.completed_at, ModuleVersion, Certificate.number)
        .join(ModuleVersion, ModuleVersion.id == Completion.module_version_id)
        # At most one valid certificate per completion (a partial unique index), so the
        # outer join never repeats a row, and costs no query of its own.
        .outerjoin(
            Certificate,
            and_(
                Certificate.completion_id == Completion.id,
                Certificate.status == CertificateStatus.VALID,
            ),
        )
        .where(Completion.user_id == learner.id)
        .order_by(Completion.completed_at, Completion.id)
    )
    if period.since is not None:
        query = query.where(Completion.completed_at >= period.since)
    if period.until is not None:
        query = query.where(Completion.completed_at <= period.until)
    entries = tuple(
        Entry(
            completed_at=completed_at,
            module_id=version.module_id,
            title=version.title,
            version=version.version,
            credits=package_for(version).credits,
            certificate_number=number or "",
        )
        for completed_at, version, number in db.session.execute(query)
    )
    return Transcript(learner, period, entries, totals(entries))


def totals(entries: Iterable[Entry]) -> tuple[BoardTotal, ...]:
    """Sums per board and category: NCCAOM first, then the states by code; NCCAOM's
    categories in the board's own order, a state's by name."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for entry in entries:
        for line in entry.lines():
            sums[line.board][line.category] += line.amount
    result = []
    for board in sorted(sums, key=lambda board: (board != NCCAOM, board)):
        categories = sorted(sums[board].items(), key=lambda item: _category_key(board, item[0]))
        total = sum((amount for _category, amount in categories), Decimal(0))
        result.append(BoardTotal(board, total, tuple(categories)))
    return tuple(result)


def board_name(board: str) -> str:
    """``NCCAOM``, or a state board as ``California (CA)``."""
    return f"{STATE_NAMES[board]} ({board})" if board in STATE_NAMES else board


def unit(board: str, amount: Decimal | None = None) -> str:
    """What the board counts: PDA points for NCCAOM, hours for a state board; singular
    for an amount of exactly 1, plural for any other amount or none."""
    one = amount is not None and amount == 1
    if board == NCCAOM:
        return "PDA point" if one else "PDA points"
    return "hour" if one else "hours"


def amount_text(amount: Decimal) -> str:
    """An amount without trailing zeros: ``2``, ``1.5``, ``0.25``."""
    return f"{amount.normalize():f}"


def _decimal(value: float) -> Decimal:
    # Through the float's shortest text, which is what the author wrote in the manifest
    # (0.1, not 0.1000000000000000055…).
    return Decimal(str(value))


def _category_key(board: str, category: str) -> tuple[int, str]:
    if board == NCCAOM and category in NCCAOM_CATEGORIES:
        return (NCCAOM_CATEGORIES.index(category), category)
    # A state credit without a category sorts after the named ones.
    return (len(NCCAOM_CATEGORIES) + (category == ""), category)
