"""The sample records (``sample_records.seed``) with the XSS corpus written into every field
a person can fill, through the app's own forms where one exists.

- Authors: a staged version of trigger-point-foundations whose lessons, post-test questions,
  options, feedback and explanations, worksheet prompts and a GIFT bank are the corpus
  (``xss_module.write_xss_package``); the instructor submits the plain staged version and
  the administrator rejects it with a payload reason.
- The same content published as its own module, with a payload title and a time limit,
  which Mei takes (``xss_module.take_payload_module``): the learner's lesson, worksheet,
  question, check and review pages, evaluation, certificates and transcript show author
  payloads; the extra-time and revocation reasons are payloads.
- Learner (Mei): a licence number; a worksheet in low-back-posterior-chain answered with
  payloads and reviewed with a payload comment; the calf-heel-pain evaluation's comments.
- Administrator: provider settings, a legal-name correction (the certificate reprints the
  payload name) and its reason, the reissue reason.

``Samples`` comes back pointing at those records, so every page of ``page_catalogue``
shows them; ``Written.pages`` lists the payload module's pages. ``written`` records what
went into each field, for the tests that check it was stored unaltered.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from coursekit import db
from coursekit.assessment.evaluations.queries import form_for
from coursekit.assessment.worksheets.models import WorksheetSubmission
from coursekit.certificates.models import Certificate
from coursekit.packages.models import ModuleVersion
from tests.certificate_records import PROVIDER
from tests.helpers import assign, login, submit
from tests.report_records import enrol
from tests.sample_records import ADMIN, CALF, INSTRUCTOR, LEARNER, Samples, seed, stage_folder
from tests.test_seminars import FOUNDATIONS, package, questions_of
from tests.xss_corpus import CORPUS, Payload, one_line, short
from tests.xss_module import payload_pages, take_payload_module, write_xss_package

LOW_BACK = "low-back-posterior-chain"
XSS_VERSION = "1.2.0"
# Short fields (names, licence numbers) get payloads that fit them whole.
NAME_PAYLOAD = next(p for p in CORPUS if p.kind == "img onerror")
LAST_NAME_PAYLOAD = next(p for p in CORPUS if p.kind == "attribute breakout")
REASON_PAYLOAD = next(p for p in CORPUS if p.kind == "svg onload")


@dataclasses.dataclass
class Written:
    """What the forms were sent, field by field, and where it should be stored."""

    fields: dict[str, str] = dataclasses.field(default_factory=dict)
    pages: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """(role, path) of the pages that show the published payload module."""


def provider_form(payload: Payload) -> dict[str, str]:
    """The provider settings form with payloads in its free-text fields."""
    text = one_line(payload)
    return {
        "name": f"Provider {text}",
        "address": payload.text,
        "contact": f"office@example.org {text}",
        "website": "https://example.org",
        "nccaom_provider_number": PROVIDER["nccaom_provider_number"],
        "nccaom_approved_from": PROVIDER["nccaom_approved_from"],
        "nccaom_approved_until": PROVIDER["nccaom_approved_until"],
        "state_numbers": "CA CEP-1234\nFL 50-9876",
        "signatory_name": f"Dr. {text}",
        "signatory_title": f"Director {text}",
        "disclaimer": payload.text,
        "retention_notice": payload.text,
        "issuing": "automatic",
        "page_size": "Letter",
    }


def seed_payloads(app: Flask, folder: Path) -> tuple[Samples, Written]:
    """The sample records, then the corpus in every field (see the module docstring)."""
    samples = seed(app, folder / "plain")
    written = Written()
    admin, learner, teacher = app.test_client(), app.test_client(), app.test_client()
    login(admin, ADMIN)
    login(learner, LEARNER)
    login(teacher, INSTRUCTOR)
    staged_lesson, upload_id = _stage(app, folder / "xss")
    _reject_plain_upload(admin, teacher, samples.upload_id, written)
    _fill_provider(admin, written)
    number, code = _correct_name_and_reissue(app, admin, samples, written)
    _licence(learner, written)
    submission_id = _worksheet(app, learner, teacher, written)
    _evaluation(app, learner, written)
    clients = {"admin": admin, "learner": learner, "instructor": teacher}
    taken = take_payload_module(
        app, folder / "published", clients, REASON_PAYLOAD.text, written.fields
    )
    written.pages = payload_pages(taken)
    return dataclasses.replace(
        samples,
        upload_id=upload_id,
        staged_lesson=staged_lesson,
        submission_id=submission_id,
        valid_number=number,
        valid_code=code,
    ), written


def _stage(app: Flask, folder: Path) -> tuple[str, int]:
    return stage_folder(app, write_xss_package(folder, FOUNDATIONS, XSS_VERSION))


def _posted(response, what: str) -> None:
    assert response.status_code in (302, 303), f"{what}: {response.status_code}\n{response.text}"


def _reject_plain_upload(admin: FlaskClient, teacher: FlaskClient, upload: int, written) -> None:
    page = f"/teach/uploads/{upload}"
    _posted(submit(teacher, page, {}, f"{page}/submit"), "submit upload")
    reason = REASON_PAYLOAD.text
    _posted(
        submit(admin, "/admin/uploads", {"reason": reason}, f"/admin/uploads/{upload}/reject"),
        "reject upload",
    )
    written.fields["upload rejection reason"] = reason


def _fill_provider(admin: FlaskClient, written: Written) -> None:
    values = provider_form(CORPUS[0])
    _posted(submit(admin, "/admin/provider", values), "provider settings")
    written.fields.update({f"provider {key}": value for key, value in values.items()})


def _correct_name_and_reissue(
    app: Flask, admin: FlaskClient, samples: Samples, written: Written
) -> tuple[str, str]:
    """Correct Mei's legal name to payloads, then reissue her valid certificate with it."""
    page = f"/admin/users/{samples.learner_id}"
    first, last = one_line(NAME_PAYLOAD), one_line(LAST_NAME_PAYLOAD)
    reason = REASON_PAYLOAD.text
    data = {"first_name": first, "last_name": last, "reason": reason}
    _posted(submit(admin, page, data, f"{page}/name"), "legal-name correction")
    action = f"{page}/certificates/{samples.valid_number}/reissue"
    _posted(submit(admin, page, {"reason": reason}, action), "reissue")
    written.fields.update({"first name": first, "last name": last, "name reason": reason})
    with app.app_context():
        certificate = db.session.scalars(
            select(Certificate)
            .join(ModuleVersion, ModuleVersion.id == Certificate.module_version_id)
            .where(Certificate.user_id == samples.learner_id, ModuleVersion.module_id == CALF)
            .order_by(Certificate.id.desc())
        ).first()
        return certificate.number, certificate.code


def _licence(learner: FlaskClient, written: Written) -> None:
    number = short(LAST_NAME_PAYLOAD, 40)
    data = {"state": "NY", "number": number}
    _posted(submit(learner, "/account", data, "/account/licences"), "licence")
    written.fields["licence number"] = number


def _worksheet(app: Flask, learner: FlaskClient, teacher: FlaskClient, written: Written) -> int:
    """Mei answers low-back-posterior-chain's worksheet with payloads; Okafor reviews it."""
    assign(app, INSTRUCTOR, LOW_BACK)
    enrolment = enrol(app, LEARNER, LOW_BACK)
    seminar = package(LOW_BACK)
    answers = {}
    for number, question in enumerate(questions_of(seminar, seminar.worksheet)):
        if question["type"] == "essay":
            payload = CORPUS[number % len(CORPUS)]
            words = " ".join(["reasoning"] * (question.get("min_words") or 20))
            answers[f"q-{question['id']}"] = f"{payload.text} {words}"
    page = f"/modules/{LOW_BACK}/worksheet"
    _posted(submit(learner, page, answers), "worksheet")
    with app.app_context():
        submission_id = db.session.scalar(
            select(WorksheetSubmission.id).where(WorksheetSubmission.enrolment_id == enrolment)
        )
    review = f"/teach/worksheets/{submission_id}"
    comment = REASON_PAYLOAD.text
    _posted(submit(teacher, review, {"comment": comment}, f"{review}/review"), "review")
    written.fields.update({f"worksheet {key}": value for key, value in answers.items()})
    written.fields["review comment"] = comment
    return submission_id


def _evaluation(app: Flask, learner: FlaskClient, written: Written) -> None:
    with app.app_context():
        items = form_for(package(CALF)).items
    answers = {}
    for number, item in enumerate(items):
        if item.kind == "scale":
            answers[item.id] = "4"
        elif item.kind == "choice":
            answers[item.id] = item.options[0]
        else:
            answers[item.id] = CORPUS[number % len(CORPUS)].text
    _posted(submit(learner, f"/modules/{CALF}/evaluation", answers), "evaluation")
    written.fields.update({f"evaluation {key}": value for key, value in answers.items()})
