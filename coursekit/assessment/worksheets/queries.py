"""Reading worksheets: a learner's state, and instructors' review queues."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from coursekit import db
from coursekit.assessment.worksheets.models import WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.packages.queries import package_for


@dataclass(frozen=True)
class WorksheetState:
    """Where a learner stands on the module's worksheet."""

    required: bool
    latest: WorksheetSubmission | None

    @property
    def submitted(self) -> bool:
        return self.latest is not None

    @property
    def reviewed(self) -> bool:
        """Whether the worksheet has been reviewed. A reviewed worksheet takes no new
        submissions, so the latest submission is the reviewed one."""
        return self.latest is not None and self.latest.review is not None


def worksheet_state(enrolment: Enrolment) -> WorksheetState:
    """The learner's worksheet state for their enrolment (one or two queries)."""
    if package_for(enrolment.module_version).worksheet is None:
        return WorksheetState(required=False, latest=None)
    latest = db.session.scalars(
        select(WorksheetSubmission)
        .where(WorksheetSubmission.enrolment_id == enrolment.id)
        .order_by(WorksheetSubmission.submitted_at.desc(), WorksheetSubmission.id.desc())
        .limit(1)
    ).first()
    return WorksheetState(required=True, latest=latest)
