"""Journey 1: a new acupuncturist earns a certificate, from registration to the
verification page, with an instructor reviewing her worksheet in a second browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from coursekit.accounts.models import Role
from tests.browser import attempt_steps as attempt
from tests.browser import learner_steps as steps
from tests.browser.look import check
from tests.browser.server import LiveServer

MODULE = "trigger-point-foundations"
TEACHER = "okafor@example.org"


def prepare(server: LiveServer) -> None:
    server.user(TEACHER, Role.INSTRUCTOR, first_name="Ngozi", last_name="Okafor")
    server.assign(TEACHER, MODULE)


def review_worksheet(ui: Any, shots: Path) -> None:
    """The instructor opens the queue and accepts the worksheet with a comment."""
    steps.sign_in(ui, TEACHER)
    ui.activate(ui.page.get_by_role("link", name="Worksheets to review"))
    check(ui.page, shots, "worksheet-queue")
    ui.activate(ui.page.get_by_role("link", name="Review Mei Lindqvist's worksheet"))
    check(ui.page, shots, "worksheet-review")
    ui.fill(ui.page.get_by_label(re.compile("^Comment")), "Clear reasoning about the safe depth.")
    ui.activate(ui.page.get_by_role("button", name="Mark reviewed"))
    expect(ui.page.get_by_role("status").first).to_contain_text("reviewed")


def run(server: LiveServer, open_page: Any, driver: type, shots: Path, email: str) -> str:
    """The whole journey; returns the certificate's verification address."""
    prepare(server)
    title = server.package(MODULE).title
    ui = driver(open_page(server))
    steps.register(ui, "Mei", "Lindqvist", email, shots)
    steps.enrol(ui, title, shots)
    steps.read_lessons(ui, server, MODULE, shots)
    steps.submit_worksheet(ui, server, MODULE, shots)

    teacher = driver(open_page(server))
    review_worksheet(teacher, shots)

    # Attempt 1: half answered, then she leaves; she comes back, resumes, answers the
    # rest wrongly and fails.
    ui.page.reload()
    attempt.open_post_test(ui)
    check(ui.page, shots, "post-test")
    ui.activate(ui.page.get_by_role("button", name="Start attempt 1"))
    questions = server.attempt_questions(email, MODULE)
    half = len(questions) // 2
    # Hotspots: clicked on the diagram with the pointer, chosen as labelled points with
    # the keyboard.
    clicking = ui.name == "pointer"
    attempt.answer_questions(ui, questions, range(1, half + 1), right=True, click_hotspots=clicking)
    check(ui.page, shots, "question")
    attempt.resume_from_dashboard(ui)
    ui.activate(ui.page.get_by_role("button", name="Resume attempt 1"))
    expect(ui.page.get_by_text(f"question {half + 1} of {len(questions)}")).to_be_visible()
    attempt.answer_questions(ui, questions, range(half + 1, len(questions) + 1), right=False)
    check(ui.page, shots, "check-answers")
    attempt.submit(ui)
    expect(ui.page.get_by_text("not passed").first).to_be_visible()
    check(ui.page, shots, "result-failed")

    attempt.open_post_test(ui)
    ui.activate(ui.page.get_by_role("button", name="Start attempt 2"))
    questions = server.attempt_questions(email, MODULE)
    # Attempt 2: the first answer wrong at first, corrected from the check page; the
    # rest right.
    first, arrangement = questions[0]
    attempt.answer_questions(ui, questions, range(1, 2), right=False)
    attempt.answer_questions(
        ui, questions, range(2, len(questions) + 1), right=True, click_hotspots=clicking
    )
    attempt.change_answer(ui, first, arrangement, 1, click_hotspots=clicking)
    attempt.submit(ui)
    expect(ui.page.get_by_text("passed").first).to_be_visible()
    check(ui.page, shots, "result-passed")

    ui.activate(ui.page.get_by_role("link", name=title).first)
    steps.evaluate(ui, shots)
    return steps.certificate(ui, shots)
