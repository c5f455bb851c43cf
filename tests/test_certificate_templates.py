"""A package's own certificate template: checked by the loader (problems with a line),
used for that module's certificates; and ``coursekit certificates sample``."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from coursekit import db
from coursekit.certificates.models import Certificate, CertificateSequence
from coursekit.certificates.sample import SAMPLE_CODE
from coursekit.packages.loader import load_package
from coursekit.packages.problems import PackageInvalid
from coursekit.packages.sources import FolderFiles
from tests.certificate_records import certificate_settings, completed, issue
from tests.package_factory import write_package
from tests.test_certificate_pdf import A4, LETTER, mediabox, pdf_text, stored_pdf

OWN_TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8">
<style>@page { size: {{ page_size }}; margin: 12mm; }</style></head>
<body>
<h1>Heron Seminars certificate</h1>
<p>{{ certificate.learner.legal_name }} · {{ certificate.module.title }}
   {{ certificate.module.version }} · {{ number }} · {{ code }}</p>
{% if certificate.score %}<p>Score {{ certificate.score.percent }}</p>{% endif %}
<img src="{{ qr_code }}" alt="">
</body></html>
"""


def package_with(tmp_path, template: str | bytes):
    folder = write_package(tmp_path, "calf")
    data = template.encode() if isinstance(template, str) else template
    (folder / "certificate.html").write_bytes(data)
    return folder


def problems_of(folder) -> list[str]:
    with pytest.raises(PackageInvalid) as invalid:
        load_package(FolderFiles(folder, "modules/calf"))
    return [str(problem) for problem in invalid.value.problems]


def test_a_package_may_bring_its_own_template(tmp_path):
    without = load_package(FolderFiles(write_package(tmp_path / "a", "calf"), "calf")).package
    folder = package_with(tmp_path / "b", OWN_TEMPLATE)
    package = load_package(FolderFiles(folder, "calf")).package
    assert package.files["certificate.html"] == OWN_TEMPLATE.encode()
    # The template is part of the content, so changing it makes a new version's hash.
    assert package.content_hash != without.content_hash


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("<p>\n{% for x in %}</p>", 2, "Expected an expression"),
        ("<p>\n\n{{ certificate.learner.nickname }}</p>", 3, "nickname"),
        ("<p>{{ certificate.learner.licences.append(1) }}</p>", 1, "unsafe"),
        ("<p>\n{{ ''.__class__.__subclasses__() }}</p>", 2, "unsafe"),
        # Works with a score, fails without one: both ways are tried.
        ("<p>\n\n\n{{ certificate.score.percent }}</p>", 4, "optional fields empty"),
    ],
)
def test_a_broken_template_is_a_problem_at_its_line(tmp_path, body, line, words):
    folder = package_with(tmp_path, body)
    (problem,) = problems_of(folder)
    assert problem.startswith(f"modules/calf/certificate.html:{line}:1: certificate template:")
    assert words in problem


def test_a_template_that_is_not_utf8_is_a_problem(tmp_path):
    folder = package_with(tmp_path, "<p>Zoë</p>".encode("latin-1"))
    assert problems_of(folder) == ["modules/calf/certificate.html:1:1: the file is not UTF-8 text"]


@pytest.fixture
def app(make_app, tmp_path):
    package_with(tmp_path, OWN_TEMPLATE)
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


def test_the_module_certificates_use_the_package_template(app, tmp_path):
    certificate = issue(app, completed(app, "zoe@example.org", first_name="Zoë"))
    text = pdf_text(stored_pdf(app, certificate.id), tmp_path)
    assert "Heron Seminars certificate" in text
    assert f"Zoë Zoe · Module calf 1.0.0 · {certificate.number}" in text
    assert "Certificate of Completion" not in text  # the built-in design's heading


@pytest.fixture
def plain_app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    # No COURSEKIT_PUBLIC_URL: a sample needs none.
    settings = certificate_settings()
    settings.pop("COURSEKIT_PUBLIC_URL")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **settings,
    )


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Certificate.id))),
            db.session.scalar(select(func.count()).select_from(CertificateSequence)),
        )


@pytest.mark.parametrize(("option", "box"), [((), LETTER), (("--page-size", "A4"), A4)])
def test_the_sample_command_writes_a_certificate_pdf_and_nothing_else(
    plain_app, tmp_path, option, box
):
    output = tmp_path / "sample.pdf"
    result = plain_app.test_cli_runner().invoke(
        args=["coursekit", "certificates", "sample", "calf", "-o", str(output), *option]
    )
    assert result.exit_code == 0, result.output
    pdf = output.read_bytes()
    assert mediabox(pdf) == box
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf, tmp_path)
    assert "Zoë Nguyễn Łukasz-Ørsted" in text
    assert "NCCAOM ID 123456" in text
    assert "California (CA) licence AC 12345" in text and "Texas (TX) licence AC01234" in text
    assert "Post-test score 92.5 %" in text
    assert "Blue Heron Acupuncture Seminars" in text  # the provider settings in force
    assert f"https://example.invalid/verify/{SAMPLE_CODE}" in text
    assert counts(plain_app) == (0, 0)


def test_the_sample_command_uses_the_package_template(app, tmp_path):
    output = tmp_path / "sample.pdf"
    result = app.test_cli_runner().invoke(
        args=[
            "coursekit",
            "certificates",
            "sample",
            "calf",
            "--version",
            "1.0.0",
            "-o",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Heron Seminars certificate" in pdf_text(output.read_bytes(), tmp_path)


def test_the_sample_command_previews_a_package_not_yet_published(make_app, tmp_path):
    package_with(tmp_path, OWN_TEMPLATE)
    app = make_app(COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), **certificate_settings())
    output = tmp_path / "sample.pdf"
    result = app.test_cli_runner().invoke(
        args=["coursekit", "certificates", "sample", "calf", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "Heron Seminars certificate" in pdf_text(output.read_bytes(), tmp_path)
    assert counts(app) == (0, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "No module 'nope' has been published or is valid on disk"),
        (["calf", "--version", "9.9.9"], "'calf' has no version '9.9.9' (it has 1.0.0)."),
        (["calf", "--page-size", "A5"], "Invalid value for '--page-size'"),
    ],
)
def test_the_sample_command_refuses_unknown_modules_clearly(plain_app, tmp_path, args, message):
    output = tmp_path / "sample.pdf"
    result = plain_app.test_cli_runner().invoke(
        args=["coursekit", "certificates", "sample", *args, "-o", str(output)]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert not output.exists()
