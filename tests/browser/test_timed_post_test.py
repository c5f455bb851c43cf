"""A timed post-test in the browser: the time left is on the page and in a polite live
region, and when an administrator grants extra time mid-test, the learner's open page
learns it from its next autosave and says so (WCAG 2.2.1, 4.1.3)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from coursekit.accounts.models import Role
from tests.browser.driver import Driver
from tests.browser.learner_steps import enrol, sign_in
from tests.browser.look import check
from tests.package_factory import write_package

LIMIT = 2


def test_the_time_left_is_announced_and_an_extension_reaches_the_open_page(
    live_server, new_context, artifacts, tmp_path
):
    assessment = {
        "quiz": "quizzes/post-test.yaml",
        "pass_mark": 75,
        "attempts": 3,
        "time_limit_minutes": LIMIT,
    }
    write_package(tmp_path / "content", "timed", assessment=assessment)
    server = live_server(COURSEKIT_MODULES_PATH=str(tmp_path / "content" / "modules"))
    learner_id = server.user_id(server.user("ida@example.org", first_name="Ida", last_name="Berg"))
    server.user("director@example.org", Role.ADMIN)

    ui = Driver(new_context(server))
    sign_in(ui, "ida@example.org")
    enrol(ui, "Module timed", artifacts)
    ui.goto("/modules/timed/post-test")
    expect(ui.page.locator("main")).to_contain_text(f"Your time limit: {LIMIT} minutes")
    check(ui.page, artifacts, "timed-overview")
    ui.activate(ui.page.get_by_role("button", name="Start attempt 1"))
    expect(ui.page.get_by_role("timer")).to_contain_text("Time left:")
    status = ui.page.locator(".timer-status")
    expect(status).to_have_attribute("aria-live", "polite")
    check(ui.page, artifacts, "timed-question")

    admin = Driver(new_context(server))
    sign_in(admin, "director@example.org")
    admin.goto(f"/admin/users/{learner_id}")
    section = admin.page.get_by_role("form", name="Module timed")
    admin.fill(section.get_by_label("Extra minutes"), "15")
    admin.fill(section.get_by_label(re.compile("^Reason")), "Extended time: documented disability")
    admin.activate(section.get_by_role("button", name="Grant extra time"))
    expect(admin.page.get_by_text("15 extra", exact=True)).to_be_visible()
    check(admin.page, artifacts, "user-record-extra-time")

    # The learner answers; the autosave's reply carries the later deadline.
    ui.choose(ui.page.locator('input[name="answer"]'), "0")
    expect(status).to_contain_text("Your time was extended", timeout=10_000)
    expect(ui.page.get_by_role("timer")).to_contain_text(re.compile(r"1[5-7]:\d\d"))
