"""Packages made of payloads (``xss_corpus``), and a published one a learner takes.

- ``write_xss_package``: lessons, post-test questions, options, feedback and explanations,
  worksheet prompts and a GIFT bank that are the corpus (``xss_records`` stages one
  version of trigger-point-foundations so, for the staged-preview pages).
- ``take_payload_module``: the same content published as its own module, whose title is a
  payload too and whose post-test has a time limit. Mei enrols, opens every lesson,
  answers the worksheet (Okafor reviews it), closes one attempt (its review shows the
  payload feedback and explanations) and has another open, is given extra time with a
  payload reason, passes, completes the module, and her certificate is revoked with a payload
  reason, all through the app's forms where one exists (publishing is the reload's
  operation). The learner-facing pages then
  show author payloads: ``payload_pages`` lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.assessment.worksheets.models import WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow
from coursekit.packages.discovery import load_candidates, package_candidate
from coursekit.packages.operations import publish_new_versions
from coursekit.progress.models import Completion
from tests.assessment_records import graded_attempt
from tests.attempt_pages import start, submit_attempt
from tests.certificate_records import issue
from tests.helpers import assign, submit
from tests.package_factory import write_package, write_worksheet
from tests.report_records import enrol, version_id
from tests.sample_records import ADMIN, INSTRUCTOR, LEARNER
from tests.xss_corpus import CORPUS, Payload, one_line

XSS_MODULE = "xss-payload-seminar"
TITLE_PAYLOAD = next(p for p in CORPUS if p.kind == "img onerror")
TIME_LIMIT_MINUTES = 30
# Their own payloads, so a page showing one is not mistaken for another reason's.
EXTRA_TIME_PAYLOAD = next(p for p in CORPUS if p.kind == "details ontoggle")
REVOCATION_PAYLOAD = next(p for p in CORPUS if p.kind == "iframe javascript src")


def lesson_markdown(payloads: list[Payload]) -> str:
    """A lesson whose body is the corpus, one paragraph per payload."""
    body = "\n\n".join(f"Payload {p.id}: {p.text}" for p in payloads)
    return f"---\ntitle: Payloads in Markdown\nminutes: 10\n---\n# Payloads\n\n{body}\n"


def payload_questions() -> list[dict]:
    """Post-test questions whose text, options, feedback and explanation are payloads."""
    return [
        {
            "id": f"xss{p.id}",
            "type": "single",
            "text": f"Question {p.id}: {p.text}",
            "options": [
                {"text": f"Right {one_line(p)}", "correct": True, "feedback": p.text},
                {"text": f"Wrong {one_line(p)}", "feedback": p.text},
            ],
            "explanation": p.text,
        }
        for p in CORPUS
    ]


def gift_bank() -> str:
    """A GIFT bank with payloads in the question, the answers and their feedback (GIFT's
    special characters escaped, as an author would)."""

    def escaped(text: str) -> str:
        return re.sub(r"([~=#{}:\\])", r"\\\1", " ".join(text.split()))

    blocks = [
        f"::gift{p.id}:: Gift {p.id}: {escaped(p.text)} {{\n"
        f"  =Right {escaped(p.text)} #{escaped(p.text)}\n  ~Wrong\n}}\n"
        for p in CORPUS
    ]
    return "\n".join(blocks)


def write_xss_package(folder: Path, module_id: str, version: str, **manifest: object) -> Path:
    """A package of payloads: ``manifest`` adds to (or replaces) its manifest's fields."""
    assessment = {
        "quiz": "quizzes/post-test.yaml",
        "draw": [{"bank": "xss-gift", "count": 5}],
        "pass_mark": 75,
        "attempts": 3,
    }
    module = write_package(
        folder,
        module_id,
        version=version,
        worksheet="quizzes/worksheet.yaml",
        assessment={**assessment, **manifest.pop("assessment", {})},  # type: ignore[dict-item]
        **manifest,
    )
    (module / "lessons" / "01-anatomy.md").write_text(lesson_markdown(CORPUS))
    post_test = {"title": "Post-test", "questions": payload_questions()}
    (module / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(post_test))
    prompts = [{"id": "case", "type": "description", "text": p.text} for p in CORPUS[:1]]
    prompts += [
        {"id": "reflect", "type": "essay", "text": CORPUS[2].text, "guidance": CORPUS[3].text}
    ]
    write_worksheet(module, prompts)
    (module / "quizzes" / "xss-gift.gift").write_text(gift_bank())
    return module


@dataclass(frozen=True)
class PayloadModule:
    """Mei's records in the payload module, for the pages' addresses."""

    enrolment_id: int
    lessons: tuple[str, ...]
    submission_id: int
    closed_attempt: int
    open_attempt: int
    certificate_number: str
    certificate_code: str


def _posted(response, what: str) -> None:
    assert response.status_code in (302, 303), f"{what}: {response.status_code}\n{response.text}"


def take_payload_module(
    app: Flask,
    folder: Path,
    clients: dict[str, FlaskClient],
    reason: str,
    written: dict[str, str],
) -> PayloadModule:
    """Publish the payload module and take it as Mei (see the module docstring);
    ``reason`` is the payload every reason field gets, recorded in ``written``."""
    admin, learner, teacher = clients["admin"], clients["learner"], clients["instructor"]
    title = f"Payloads {one_line(TITLE_PAYLOAD)}"
    module = write_xss_package(
        folder,
        XSS_MODULE,
        "1.0.0",
        title=title,
        assessment={"time_limit_minutes": TIME_LIMIT_MINUTES, "review": "after-submit"},
    )
    _publish(app, module, reason)
    assign(app, INSTRUCTOR, XSS_MODULE)
    enrolment = enrol(app, LEARNER, XSS_MODULE)
    submission = _worksheet(app, learner, teacher, enrolment, reason)
    user_page = f"/admin/users/{_learner_id(app)}"
    extra = {"minutes": "15", "reason": EXTRA_TIME_PAYLOAD.text}
    _posted(submit(admin, user_page, extra, f"{user_page}/extra-time/{XSS_MODULE}"), "extra time")
    closed, _ = start(learner, XSS_MODULE)
    _posted(submit_attempt(learner, closed), "attempt 1")
    opened, _ = start(learner, XSS_MODULE)
    # A passed attempt (written directly: 39 answers through the pages would cost seconds)
    # opens the evaluation.
    graded_attempt(app, enrolment, passed=True, percent=90.0)
    number, code = _certificate(app, admin, enrolment, REVOCATION_PAYLOAD.text)
    written.update(
        {
            "module title": title,
            "extra time reason": EXTRA_TIME_PAYLOAD.text,
            "revocation reason": REVOCATION_PAYLOAD.text,
        }
    )
    slugs = ("01-anatomy", "02-needling")
    return PayloadModule(enrolment, slugs, submission, closed, opened, number, code)


def _publish(app: Flask, module: Path, reason: str) -> None:
    """Publish the folder as ``coursekit modules reload`` publishes a new module (an
    instructor can upload only a module already published and assigned to them)."""
    report = load_candidates([package_candidate(module)])
    assert report.ok, report.problems
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        publish_new_versions(report, actor=admin, reason=reason, now=utcnow())
        db.session.commit()


def _learner_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == LEARNER))


def _worksheet(
    app: Flask, learner: FlaskClient, teacher: FlaskClient, enrolment: int, reason: str
) -> int:
    words = " ".join(["reasoning"] * 20)
    page = f"/modules/{XSS_MODULE}/worksheet"
    _posted(submit(learner, page, {"q-reflect": f"{CORPUS[5].text} {words}"}), "worksheet")
    with app.app_context():
        submission = db.session.scalar(
            select(WorksheetSubmission.id).where(WorksheetSubmission.enrolment_id == enrolment)
        )
    review = f"/teach/worksheets/{submission}"
    _posted(submit(teacher, review, {"comment": reason}, f"{review}/review"), "review")
    return submission


def _certificate(app: Flask, admin: FlaskClient, enrolment: int, reason: str) -> tuple[str, str]:
    """Mei completes the module; the administrator revokes its certificate."""
    module_version = version_id(app, XSS_MODULE, "1.0.0")
    with app.app_context():
        row = db.session.get_one(Enrolment, enrolment)
        completion = Completion(
            user_id=row.user_id, module_version_id=module_version, completed_at=row.enrolled_at
        )
        db.session.add(completion)
        db.session.commit()
        completion_id = completion.id
    certificate = issue(app, completion_id)
    page = f"/admin/certificates/{certificate.number}"
    _posted(submit(admin, page, {"reason": reason}, f"{page}/revoke"), "revoke")
    return certificate.number, certificate.code


def payload_pages(taken: PayloadModule) -> list[tuple[str, str]]:
    """(role, path) of every page that shows the payload module's content to its roles."""
    base = f"/modules/{XSS_MODULE}"
    return [
        ("learner", base),
        *[("learner", f"{base}/lessons/{slug}") for slug in taken.lessons],
        ("learner", f"{base}/worksheet"),
        ("learner", f"{base}/post-test"),
        ("learner", f"/attempts/{taken.open_attempt}/1"),
        ("learner", f"/attempts/{taken.open_attempt}"),
        ("learner", f"/attempts/{taken.closed_attempt}"),
        ("learner", f"{base}/evaluation"),
        ("learner", "/certificates"),
        ("learner", "/transcript"),
        ("learner", "/dashboard"),
        ("anonymous", f"/verify/{taken.certificate_code}"),
        ("admin", f"/admin/certificates/{taken.certificate_number}"),
        ("instructor", f"/teach/worksheets/{taken.submission_id}"),
    ]
