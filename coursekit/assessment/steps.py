"""The assessment steps of a module, as a learner sees them on the module page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from coursekit.assessment.attempts.queries import post_test_status
from coursekit.assessment.evaluations.queries import evaluation_refusal, response_for
from coursekit.assessment.worksheets.queries import worksheet_state
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow


@dataclass(frozen=True)
class Step:
    """One step: its name, where the learner stands in words, and where to go."""

    name: str
    state: str
    url: str
    done: bool


def assessment_steps(enrolment: Enrolment) -> list[Step]:
    """Worksheet (when the module has one), post-test and evaluation, in order."""
    module_id = enrolment.module_version.module_id
    now = utcnow()
    steps: list[Step] = []
    worksheet = worksheet_state(enrolment)
    if worksheet.required:
        if worksheet.reviewed:
            state = "Reviewed by an instructor."
        elif worksheet.latest is not None:
            state = f"Waiting for review since {worksheet.latest.submitted_at:%d %B %Y}."
        else:
            state = "Not submitted yet. The post-test opens once it has been reviewed."
        url = url_for("coursekit.worksheets.worksheet", module_id=module_id)
        steps.append(Step("Worksheet", state, url, worksheet.reviewed))
    status = post_test_status(enrolment, now=now)
    pass_mark = status.assessment.pass_mark
    if status.passed and status.best is not None:
        state = f"Passed with {status.best.percent:g} %."
    elif status.open_attempt is not None:
        state = f"Attempt {status.open_attempt.number} in progress."
    elif status.refusal:
        state = status.refusal
    elif status.attempts_left is not None:
        state = f"{status.attempts_left} attempts left; pass mark {pass_mark} %."
    else:
        state = f"Open; pass mark {pass_mark} %."
    url = url_for("coursekit.attempts.overview", module_id=module_id)
    steps.append(Step("Post-test", state, url, status.passed))
    submitted = response_for(enrolment)
    if submitted is not None:
        state = f"Submitted on {submitted.submitted_at:%d %B %Y}. Thank you."
    else:
        state = (
            evaluation_refusal(enrolment, now=now, status=status)
            or "Open: tell us how the course went."
        )
    url = url_for("coursekit.evaluations.evaluate", module_id=module_id)
    steps.append(Step("Course evaluation", state, url, submitted is not None))
    return steps
