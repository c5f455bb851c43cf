"""The certificate PDF: every field a board asks for, read back as text with pdftotext;
names beyond ASCII; one landscape page of Letter or A4; the logo and signature; template
errors as clear errors; and a sandbox that loads nothing but ``data:`` URLs."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from coursekit import db
from coursekit.certificates.codes import grouped
from coursekit.certificates.models import Certificate, CertificateFile, CertificateSequence
from coursekit.certificates.operations import CertificateError, issue_certificate
from coursekit.certificates.rendering import (
    CertificateTemplateError,
    Printable,
    render_html,
    render_pdf,
)
from coursekit.progress.models import Completion
from tests.certificate_records import PUBLIC_URL, certificate_settings, completed, issue
from tests.package_factory import write_package

PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"
LETTER = (792, 612)
A4 = (842, 595)


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext reads it, whitespace collapsed (lines wrap anywhere)."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    command = [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"]
    # The command and its arguments are the test's own, not input from anywhere.
    text = subprocess.run(command, check=True, capture_output=True).stdout.decode("utf-8")  # noqa: S603
    return " ".join(text.split())


def stored_pdf(app, certificate_id: int) -> bytes:
    with app.app_context():
        return db.session.get_one(CertificateFile, certificate_id).content


def png(colour: str, size: tuple[int, int] = (120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def mediabox(pdf: bytes) -> tuple[int, int]:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def image_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages[0].images)


def build(make_app, tmp_path, **provider):
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval", **provider}),
    )


def test_an_issued_certificate_prints_every_field_a_board_asks_for(make_app, tmp_path):
    app = build(make_app, tmp_path, validity_months=24)
    completion = completed(
        app,
        "zoe@example.org",
        first_name="Zoë",
        last_name="Łukasz-Ørsted",
        nccaom_id="123456",
        licences={"CA": "AC 12345", "TX": "AC01234"},
        percent=87.5,
    )
    certificate = issue(app, completion)
    text = pdf_text(stored_pdf(app, certificate.id), tmp_path)
    fields = certificate.fields
    expected = [
        # The participant: legal name exactly as registered, NCCAOM ID, state licences.
        "Zoë Łukasz-Ørsted",
        "NCCAOM ID 123456",
        "California (CA) licence AC 12345",
        "Texas (TX) licence AC01234",
        # The course: title, version, content hash, delivery, instructor.
        "Module calf",
        "Version 1.0.0",
        fields["module"]["content_hash"],
        "Distance learning — home study",
        "A. Sample, L.Ac.",
        # Credit per board and category, with course and provider numbers.
        "PDA-000-001",
        "2 PDA points",
        "AOM-AC: 1.5; SA: 0.5",
        "California (CA)",
        "CEP-0000",
        "2 hours",
        "2026-01-01 to 2027-12-31",
        # Dates and score.
        f"Course dates {fields['started_on']} to 2026-11-03",
        "Completed 2026-11-03",
        "Post-test score 87.5 % (pass mark 75 %)",
        # The provider: name, address, contact, website, numbers, NCCAOM approval dates.
        "Blue Heron Acupuncture Seminars",
        "12 Willow Lane, Portland, OR 97201",
        "ce@blueheron.example · +1 503 555 0100",
        "https://blueheron.example",
        "NCCAOM PDA Provider #602, approved 2026-01-01 to 2027-12-31",
        "California (CA) provider #CEP-1234",
        "Florida (FL) provider #50-9876",
        # The signatory.
        "Dr. Mei-Ling Okonkwo",
        "Director of Education",
        # Identity and verification.
        certificate.number,
        grouped(certificate.code),
        f"{PUBLIC_URL}/verify/{certificate.code}",
        "2026-11-03 · expires 2028-11-03",
        # The notices.
        "Acceptance of continuing-education credit is decided by each licensing board.",
        "Keep this certificate for at least four years",
    ]
    missing = [item for item in expected if item not in text]
    assert not missing, (missing, text)


@pytest.mark.parametrize("name", [("Zoë", "Łukasz-Ørsted"), ("Nguyễn Thị", "Đặng-Nüñez")])
def test_names_beyond_ascii_print_as_written(make_app, tmp_path, name):
    app = build(make_app, tmp_path)
    first, last = name
    certificate = issue(app, completed(app, "n@example.org", first_name=first, last_name=last))
    text = pdf_text(stored_pdf(app, certificate.id), tmp_path)
    assert f"{first} {last}" in text
    assert "�" not in text  # no replacement characters for missing glyphs


@pytest.mark.parametrize(("page_size", "box"), [("Letter", LETTER), ("A4", A4)])
def test_the_certificate_is_one_landscape_page_of_the_chosen_size(
    make_app, tmp_path, page_size, box
):
    # A long address and four state numbers must still fit on the one page.
    app = build(
        make_app,
        tmp_path,
        page_size=page_size,
        address="Suite 400, 1234 Very Long Boulevard of the Examples, Springfield, OR 97477, USA",
        state_numbers={"CA": "CEP-1234", "FL": "50-9876", "TX": "CEP-77", "NM": "NM-1"},
    )
    certificate = issue(app, completed(app, "a@example.org"))
    pdf = stored_pdf(app, certificate.id)
    assert mediabox(pdf) == box
    with app.app_context():
        assert db.session.get_one(CertificateFile, certificate.id).page_size == page_size


def test_the_logo_and_signature_are_embedded_when_set(make_app, tmp_path):
    plain = build(make_app, tmp_path / "plain")
    without = issue(plain, completed(plain, "a@example.org"))
    assert image_count(stored_pdf(plain, without.id)) == 0  # the QR code is a vector drawing

    # Absolute paths: the provider setting's paths are relative to the instance folder.
    (tmp_path / "logo.png").write_bytes(png("navy"))
    (tmp_path / "signature.png").write_bytes(png("black", (200, 60)))
    app = build(
        make_app,
        tmp_path / "branded",
        logo=str(tmp_path / "logo.png"),
        signature=str(tmp_path / "signature.png"),
    )
    branded = issue(app, completed(app, "b@example.org"))
    assert image_count(stored_pdf(app, branded.id)) == 2


def test_a_template_error_is_refused_with_its_line_and_nothing_is_issued(
    make_app, tmp_path, monkeypatch
):
    app = build(make_app, tmp_path)
    completion = completed(app, "a@example.org")
    monkeypatch.setattr(
        "coursekit.certificates.operations.package_template",
        lambda package: "<p>{{ number }}</p>\n<p>{{ certificate.learner.no_such_field }}</p>",
    )
    with app.app_context():
        row = db.session.get_one(Completion, completion)
        with pytest.raises(CertificateError, match="line 2") as refused:
            issue_certificate(row, actor=None, now=row.completed_at)
        db.session.rollback()
    assert refused.value.status == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 0
        # The serial taken for it was given back: the next certificate is number 1.
        assert db.session.scalar(select(func.max(CertificateSequence.last_serial))) in (None, 0)


PRINTABLE = Printable(
    fields={"learner": {"legal_name": "Zoë"}},
    number="CK-2026-000001",
    code="0" * 28,
    issued_on="2026-11-03",
    verify_url="https://ce.example.org/verify/" + "0" * 28,
)


@pytest.mark.parametrize(
    ("template", "line"),
    [
        ("<p>\n{% if %}</p>", 2),  # a syntax error
        ("<p>\n\n{{ nobody }}</p>", 3),  # an undefined name
        ("<p>{{ certificate.update({}) }}</p>", 1),  # the sandbox refuses to mutate
        ("<p>{{ ''.__class__.__mro__ }}</p>", 1),  # nor reach Python internals
    ],
)
def test_template_errors_name_their_line(template, line):
    with pytest.raises(CertificateTemplateError) as error:
        render_html(PRINTABLE, page_size="Letter", logo=None, signature=None, template=template)
    assert error.value.line == line
    assert error.value.message


@pytest.fixture
def image_server(tmp_path):
    """An HTTP server with a PNG that records every request made to it."""
    requests: list[str] = []
    body = png("red")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


def test_a_template_can_load_neither_files_nor_the_network(tmp_path, image_server):
    base, requests = image_server
    local = tmp_path / "secret.png"
    local.write_bytes(png("green"))
    template = (
        "<p>{{ certificate.learner.legal_name }}</p>"
        f'<img src="file://{local}"><img src="file:///etc/passwd">'
        f'<img src="{base}/logo.png"><link rel="stylesheet" href="{base}/style.css">'
        f"<style>@import url('{base}/more.css');"
        f" body {{ background: url('file://{local}') }}</style>"
    )
    html = render_html(PRINTABLE, page_size="A4", logo=None, signature=None, template=template)
    pdf = render_pdf(html)
    assert image_count(pdf) == 0
    assert requests == []
    assert "Zoë" in pdf_text(pdf, tmp_path)
