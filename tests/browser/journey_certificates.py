"""Journeys 2 and 4: a stranger checks a certificate that an administrator then revokes,
and an administrator approves certificates in bulk and downloads a board roster.

The completions they start from are written through the records helpers (the learner's
own journey is journey 1); every step of the people named here goes through the browser.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.certificates.codes import grouped
from coursekit.certificates.models import Certificate
from tests.browser.driver import Driver
from tests.browser.learner_steps import sign_in
from tests.browser.look import check
from tests.browser.server import LiveServer
from tests.certificate_records import completed, issue
from tests.test_verification import leaves, printed_text, shows

MODULE = "calf-heel-pain"
ADMIN = "director@example.org"
REASON = "Issued in error: the learner's worksheet belonged to another person."


def admin_opens_certificate(ui: Driver, number: str, shots: Path) -> None:
    ui.activate(
        ui.page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates")
    )
    check(ui.page, shots, "certificates-admin")
    ui.fill(ui.page.get_by_label(re.compile("^Search by number")), number)
    ui.activate(ui.page.get_by_role("button", name="Search"))
    ui.activate(ui.page.get_by_role("link", name=number, exact=True))
    expect(ui.page.get_by_role("heading", level=1)).to_have_text(f"Certificate {number}")
    check(ui.page, shots, "certificate-admin")


def verify(server: LiveServer, open_page: Any, driver: type, shots: Path) -> None:
    """Journey 2."""
    server.user(ADMIN, Role.ADMIN, first_name="Ada", last_name="Reyes")
    completion = completed(
        server.app,
        "zoe@example.org",
        MODULE,
        first_name="Zoë",
        last_name="Łukasz-Ørsted",
        licences={"CA": "AC 12345"},
    )
    certificate = issue(server.app, completion)

    # The administrator downloads the PDF the learner holds.
    admin = driver(open_page(server))
    sign_in(admin, ADMIN)
    admin_opens_certificate(admin, certificate.number, shots)
    pdf = admin.download(admin.page.get_by_role("link", name="Download"))
    printed = printed_text(Path(pdf.path()).read_bytes())

    # A stranger, with no account, types the code from the paper into the form.
    stranger = driver(open_page(server))
    stranger.goto("/")
    stranger.activate(stranger.page.get_by_role("link", name="Check a certificate"))
    check(stranger.page, shots, "verify-lookup")
    stranger.fill(stranger.page.get_by_label(re.compile("code", re.I)), grouped(certificate.code))
    stranger.activate(stranger.page.get_by_role("button", name="Check certificate"))
    expect(stranger.page.locator(".verify-status")).to_contain_text("is valid")
    check(stranger.page, shots, "verify-valid")
    shown = " ".join(stranger.page.locator("main").inner_text().split())
    on_pdf = [value for value in leaves(certificate.fields) if shows(printed, value)]
    for required in (certificate.fields["learner"]["legal_name"], "AC 12345", certificate.number):
        assert required in on_pdf or shows(printed, required), f"the PDF lacks {required!r}"
    missing = [value for value in [*on_pdf, certificate.number] if not shows(shown, value)]
    assert not missing, f"the verification page lacks what the PDF prints: {missing}"

    # The administrator revokes it, with the reason.
    admin.fill(admin.page.get_by_label("Reason for revoking"), REASON)
    admin.activate(admin.page.get_by_role("button", name="Revoke"))
    expect(admin.page.get_by_role("status").first).to_contain_text("revoked", ignore_case=True)

    stranger.page.reload()
    expect(stranger.page.locator(".verify-status")).to_contain_text("Revoked on")
    expect(stranger.page.locator(".verify-status")).to_contain_text(REASON)
    check(stranger.page, shots, "verify-revoked")


def approve_and_report(server: LiveServer, open_page: Any, driver: type, shots: Path) -> None:
    """Journey 4 (the server issues certificates on approval)."""
    server.user(ADMIN, Role.ADMIN, first_name="Ada", last_name="Reyes")
    learners = {"ana@example.org": "Ana", "ben@example.org": "Ben", "chen@example.org": "Chen"}
    for email, first in learners.items():
        completed(server.app, email, MODULE, first_name=first, last_name="Sample")

    ui = driver(open_page(server))
    sign_in(ui, ADMIN)
    ui.activate(ui.page.get_by_role("link", name="Administration"))
    check(ui.page, shots, "admin-console")
    ui.activate(ui.page.get_by_role("link", name="Approval queue").first)
    check(ui.page, shots, "approval-queue")
    for first in learners.values():
        ui.tick(ui.page.get_by_label(re.compile(f"^Approve {first} Sample")))
    ui.activate(ui.page.get_by_role("button", name="Approve selected"))
    expect(ui.page.get_by_role("status").first).to_contain_text("3")
    with server.app.app_context():
        issued = db.session.scalars(select(Certificate)).all()
    assert len(issued) == 3 and {c.status for c in issued} == {"valid"}

    ui.activate(ui.page.get_by_role("link", name="Administration"))
    ui.activate(ui.page.get_by_role("link", name="Board rosters"))
    ui.select(ui.page.get_by_label("Module"), MODULE)
    ui.activate(ui.page.get_by_role("button", name="Show the roster"))
    expect(ui.page.get_by_role("heading", name=re.compile("roster: 3 rows"))).to_be_visible()
    check(ui.page, shots, "roster")
    csv_file = ui.download(ui.page.get_by_role("button", name="Download and keep (CSV)"))
    rows = list(csv.reader(io.StringIO(Path(csv_file.path()).read_text("utf-8-sig"))))
    names = {cell for row in rows[1:] for cell in row}
    assert len(rows) == 4 and {f"{first}" for first in learners.values()} <= names, rows
