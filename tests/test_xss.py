"""Cross-site scripting: the corpus (``xss_corpus``) in every field a person can fill
(``xss_records``), on every page of ``page_catalogue`` and in the certificate PDF.

What is stored is what was sent (no silent alteration); no page's HTML holds a payload as
markup (a script, an event handler, a ``javascript:`` or ``data:`` address, a style); a
plain-text field shows its payload as text; Jinja never evaluates ``{{7*7}}``; WeasyPrint
fetches nothing a payload names. The real browser opens the same pages in
``tests/browser/test_xss_pages.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask, url_for
from markupsafe import escape
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import StateLicence, User
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.audit.models import AuditEntry
from coursekit.certificates.models import Certificate
from coursekit.certificates.rendering import render_pdf
from coursekit.lessons.models import LessonEvent
from coursekit.packages.models import ModuleVersion
from tests.helpers import login
from tests.page_catalogue import ANONYMOUS, EMAILS, PAGES
from tests.sample_records import Samples
from tests.shared_records import file_app, fresh_limits, rows_added_removed, unchanged
from tests.test_certificate_pdf import pdf_text
from tests.xss_records import REASON_PAYLOAD, Written, seed_payloads

# Attributes whose value a browser runs or loads: a payload there is live.
LIVE_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "style", "srcdoc", "data"})
LIVE_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")


class LiveMarkup(HTMLParser):
    """Collects every place a page's HTML would run a payload."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = (value or "").replace("\t", "").replace("\n", "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name in LIVE_ATTRIBUTES and ("__xss" in value or value.startswith(LIVE_SCHEMES)):
                self.found.append(f"<{tag} {name}={value[:60]!r}>")
        if tag in ("script", "style"):
            self._in = tag
        if tag in ("iframe", "object", "embed", "base"):
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and ("__xss" in data or "XSS" in data):
            self.found.append(f"<{self._in}> {data.strip()[:60]!r}")


def live_markup(page: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(page)
    return parser.found


@pytest.fixture(scope="module")
def shared(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, tuple[Samples, Written]]]:
    """The app and the payload records on each database, for the whole file (writing
    them takes seconds); the tests only read them, which ``unchanged`` checks."""
    folder = tmp_path_factory.mktemp("xss")
    with file_app(database_url, folder) as app:
        yield app, seed_payloads(app, folder / "records")


@pytest.fixture
def app(shared: tuple[Flask, tuple[Samples, Written]]) -> Iterator[Flask]:
    with unchanged(shared[0]):
        yield fresh_limits(shared[0])


@pytest.fixture
def records(shared: tuple[Flask, tuple[Samples, Written]]) -> tuple[Samples, Written]:
    return shared[1]


@pytest.fixture
def lesson_visits_forgotten(app: Flask) -> Iterator[None]:
    """Opening a lesson page records that it was opened: those rows go after the test."""
    with rows_added_removed(app, LessonEvent):
        yield


def signed_in(app: Flask) -> dict[str, Any]:
    clients = {ANONYMOUS: app.test_client()}
    for role, email in EMAILS.items():
        clients[role] = app.test_client()
        login(clients[role], email)
    return clients


def every_page(app: Flask, samples: Any) -> list[tuple[str, str, str, int]]:
    """(name, role, path, status) of each page of the catalogue."""
    found = []
    for endpoint, variants in PAGES.items():
        for variant, visit in variants.items():
            with app.test_request_context():
                path = url_for(endpoint, **visit.arguments(samples))
            found.append((f"{endpoint} {variant}".strip(), visit.role, path, visit.status))
    return found


def test_what_was_written_is_stored_unaltered(app: Flask, records) -> None:
    samples, written = records
    fields = written.fields
    with app.app_context():
        learner = db.session.get_one(User, samples.learner_id)
        assert (learner.first_name, learner.last_name) == (
            fields["first name"],
            fields["last name"],
        )
        numbers = db.session.scalars(
            select(StateLicence.number).where(StateLicence.user_id == samples.learner_id)
        ).all()
        assert fields["licence number"] in numbers
        reasons = set(db.session.scalars(select(AuditEntry.reason)))
        assert REASON_PAYLOAD.text in reasons
        submission = db.session.get_one(WorksheetSubmission, samples.submission_id)
        stored = {str(value) for value in submission.answers.values()}
        sent = {value for key, value in fields.items() if key.startswith("worksheet ")}
        assert sent <= stored
        comments = db.session.scalars(select(WorksheetReview.comment)).all()
        assert fields["review comment"] in comments
        allowances = db.session.scalars(select(TimeAllowance.reason)).all()
        assert fields["extra time reason"] in allowances
        revoked = db.session.scalars(select(Certificate.revoked_reason)).all()
        assert fields["revocation reason"] in revoked
        assert fields["module title"] in db.session.scalars(select(ModuleVersion.title)).all()
        answers = [response.answers for response in db.session.scalars(select(EvaluationResponse))]
        typed = {value for key, value in fields.items() if key.startswith("evaluation ")}
        assert any(typed <= {str(value) for value in given.values()} for given in answers)


def test_no_page_holds_a_payload_as_markup(app: Flask, records, lesson_visits_forgotten) -> None:
    samples, written = records
    clients = signed_in(app)
    problems, showing = [], []
    module_pages = [(f"payload module {path}", role, path, 200) for role, path in written.pages]
    for name, role, path, status in every_page(app, samples) + module_pages:
        response = clients[role].get(path)
        if response.status_code != status:
            problems.append(f"{name}: {path} answered {response.status_code}, not {status}")
            continue
        if "__xss" in response.text:
            showing.append(name)
        for found in live_markup(response.text):
            problems.append(f"{name} ({path}): {found}")
        if "Question 30: 49" in response.text or "TTT" in response.text:
            problems.append(f"{name} ({path}): a template payload was evaluated")
    assert not problems, "\n".join(problems)
    # The corpus reached the pages that show what people wrote (else this proves nothing).
    for endpoint in ("verify.certificate", "user_admin.record", "staged_preview.lesson"):
        assert any(endpoint in name for name in showing), (endpoint, showing)
    # Every learner-facing page of the published payload module shows author payloads.
    missing = [path for _role, path in written.pages if f"payload module {path}" not in showing]
    assert not missing, missing


def test_plain_text_fields_show_their_payload_as_text(app: Flask, records) -> None:
    samples, written = records
    clients = signed_in(app)
    name = f"{written.fields['first name']} {written.fields['last name']}"
    shown = {
        ("admin", f"/admin/users/{samples.learner_id}"): [name, REASON_PAYLOAD.text],
        ("anonymous", f"/verify/{samples.valid_code}"): [name],
        ("learner", "/account"): [written.fields["licence number"]],
        ("instructor", f"/teach/worksheets/{samples.submission_id}"): [
            value for key, value in written.fields.items() if key.startswith("worksheet ")
        ],
    }
    revocation, title = written.fields["revocation reason"], written.fields["module title"]
    taken = [path for _role, path in written.pages]
    revoked = next(path for path in taken if path.startswith("/verify/"))
    shown[("anonymous", revoked)] = [title, revocation]
    certificate = next(path for path in taken if path.startswith("/admin/certificates/"))
    shown[("admin", certificate)] = [revocation]
    record = shown[("admin", f"/admin/users/{samples.learner_id}")]
    record += [title, written.fields["extra time reason"]]
    for (role, path), texts in shown.items():
        page = clients[role].get(path).text
        for text in texts:
            assert str(escape(text)) in page, (path, text)


def test_the_certificate_prints_the_legal_name_literally(app: Flask, records, tmp_path) -> None:
    samples, written = records
    learner = signed_in(app)["learner"]
    response = learner.get(f"/certificates/{samples.valid_number}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    assert f"{written.fields['first name']} {written.fields['last name']}" in text


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


def test_pdf_rendering_fetches_no_address_a_payload_names(tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        html = (
            f'<html><head><link rel="stylesheet" href="{base}/sheet.css">'
            f'<link rel="stylesheet" href="file://{secret}"></head><body>'
            f'<img src="{base}/pixel.png"><p style="background:url({base}/bg.png)">x</p>'
            f"<style>@import url({base}/import.css);</style></body></html>"
        )
        assert render_pdf(html).startswith(b"%PDF")
    finally:
        server.shutdown()
    assert _Recorder.hits == []


def test_the_transcript_pdf_uses_the_same_offline_renderer(
    app: Flask, records, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The learner's transcript holds their name and module titles, like the certificate."""
    rendered: list[str] = []

    def recording(html: str) -> bytes:
        rendered.append(html)
        return render_pdf(html)

    monkeypatch.setattr("coursekit.progress.transcript.documents.render_pdf", recording)
    response = signed_in(app)["learner"].get("/transcript.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(rendered) == 1
