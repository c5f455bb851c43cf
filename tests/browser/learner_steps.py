"""What an acupuncturist does in the browser, step by step, with either driver.

The steps use what a person sees — link and button names, field labels — so a renamed
or unlabelled control fails here as it would fail a screen-reader user.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.driver import Driver
from tests.browser.look import check
from tests.browser.server import PASSWORD, LiveServer

READING_MS = 1500


def register(ui: Driver, first: str, last: str, email: str, shots: Any) -> None:
    ui.goto("/")
    ui.activate(
        ui.page.get_by_role("navigation", name="Main").get_by_role("link", name="Create account")
    )
    expect(ui.page.get_by_role("heading", level=1)).to_contain_text("Create")
    check(ui.page, shots, "register")
    ui.fill(ui.page.get_by_label("Legal first name"), first)
    ui.fill(ui.page.get_by_label("Legal last name"), last)
    ui.fill(ui.page.get_by_label("Email"), email)
    ui.fill(ui.page.get_by_label("NCCAOM ID (optional)"), "40221")
    ui.fill(ui.page.get_by_label("Password"), PASSWORD)
    ui.activate(ui.page.get_by_role("button", name="Create account"))
    expect(ui.page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_in(ui: Driver, email: str) -> None:
    ui.goto("/")
    ui.activate(ui.page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in"))
    ui.fill(ui.page.get_by_label("Email"), email)
    ui.fill(ui.page.get_by_label("Password"), PASSWORD)
    ui.activate(ui.page.get_by_role("button", name="Sign in"))
    expect(ui.page.get_by_role("button", name="Sign out")).to_be_visible()


def enrol(ui: Driver, title: str, shots: Any) -> None:
    """From the catalogue: open the module, accept the attestation, enrol."""
    ui.activate(ui.page.get_by_role("navigation", name="Main").get_by_role("link", name="Modules"))
    check(ui.page, shots, "catalogue")
    ui.activate(ui.page.get_by_role("link", name=title, exact=True))
    expect(ui.page.get_by_role("heading", level=1)).to_have_text(title)
    check(ui.page, shots, "module")
    ui.tick(ui.page.get_by_label("I accept the participant attestation above"))
    ui.activate(ui.page.get_by_role("button", name="Enrol"))
    expect(ui.page.get_by_role("status").first).to_contain_text("enrolled", ignore_case=True)


def read_lessons(ui: Driver, server: LiveServer, module_id: str, shots: Any) -> None:
    """Open the first lesson and finish each in turn; every figure must load."""
    lessons = server.package(module_id).lessons
    ui.activate(ui.page.get_by_role("link", name=re.compile("^(Start|Continue)")))
    for number, lesson in enumerate(lessons, start=1):
        expect(ui.page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        for image in ui.page.locator("main img").all():
            image.scroll_into_view_if_needed()
            # decode() waits for a lazy image to load, and fails for a broken one.
            loaded = image.evaluate("i => i.decode().then(() => i.naturalWidth > 0, () => false)")
            assert loaded, f"a figure did not load on lesson {number}: {image.get_attribute('src')}"
        if number == 1:
            check(ui.page, shots, "lesson")
        # Reading takes time: the server credits the time between page views (whole
        # seconds), and the demonstration server asks for seconds, not hours.
        ui.page.wait_for_timeout(READING_MS)
        ui.activate(ui.page.get_by_role("button", name=re.compile("^I have finished this lesson")))
    expect(ui.page.get_by_role("heading", level=1)).to_have_text(server.package(module_id).title)


def submit_worksheet(ui: Driver, server: LiveServer, module_id: str, shots: Any) -> None:
    ui.activate(ui.page.get_by_role("link", name="Worksheet", exact=True))
    check(ui.page, shots, "worksheet")
    for question in server.worksheet_questions(module_id):
        field = ui.page.locator(f'[name="q-{question["id"]}"]')
        if question["type"] == "essay":
            words = max(question.get("min_words") or 0, 40)
            text = " ".join(["Palpate the taut band and note the referral."] * (words // 7 + 1))
            ui.fill(field, text)
        elif question["type"] == "short_text":
            ui.fill(field, question["accepted"][0])
    ui.activate(ui.page.get_by_role("button", name=re.compile("^Submit")))
    expect(ui.page.get_by_role("status").first).to_contain_text("worksheet", ignore_case=True)


def evaluate(ui: Driver, shots: Any) -> None:
    ui.activate(ui.page.get_by_role("link", name=re.compile("evaluation", re.I)).first)
    check(ui.page, shots, "evaluation")
    for group in ui.page.locator("fieldset").all():
        radios = group.locator("input[type=radio]")
        if radios.count():
            ui.choose(radios, radios.nth(radios.count() - 2).get_attribute("value"))
    for box in ui.page.locator("main textarea").all():
        ui.fill(box, "Careful about the safety of needling near the tibial nerve.")
    ui.activate(ui.page.get_by_role("button", name=re.compile("^Submit")))


def certificate(ui: Driver, shots: Any) -> str:
    """Download the certificate PDF from "My certificates" and open its verification
    page; returns that page's address."""
    ui.activate(ui.page.get_by_role("link", name="My learning"))
    ui.activate(ui.page.get_by_role("link", name="All my certificates"))
    check(ui.page, shots, "certificates")
    pdf = ui.download(ui.page.get_by_role("link", name=re.compile("^PDF of ")).first)
    data = Path(pdf.path()).read_bytes()
    assert data.startswith(b"%PDF"), f"the certificate download is not a PDF: {data[:20]!r}"
    pdf.save_as(shots / "certificate.pdf")
    ui.activate(ui.page.get_by_role("link", name=re.compile("^Verification page")).first)
    expect(ui.page.locator(".verify-status")).to_contain_text("is valid")
    check(ui.page, shots, "verification")
    return ui.page.url
