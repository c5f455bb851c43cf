"""The XSS corpus in a real browser: every page type that shows what authors, learners
and administrators wrote (``tests/xss_records.py``), opened as its role.

The pages are opened with the Content-Security-Policy switched off (Playwright's
``bypass_csp``), so what is tested is escaping and sanitising alone; the policy is a
second wall, not the one this test leans on. ``window.__xss`` is defined before any page
script runs and records every payload that calls it; a dialog, a changed title or a
``javascript:`` navigation counts as execution too. The payload text of a plain-text
field must be visible as text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for

from tests.browser import learner_steps as steps
from tests.browser.driver import Driver
from tests.page_catalogue import ANONYMOUS, EMAILS, PAGES
from tests.xss_records import seed_payloads

# The page types that show a field the corpus was written into.
SHOWING = (
    "coursekit.verify.certificate",
    "coursekit.user_admin.record",
    "coursekit.account.profile",
    "coursekit.staged_preview.lesson",
    "coursekit.staged_preview.questions",
    "coursekit.staged_preview.module",
    "coursekit.worksheets.submission",
    "coursekit.worksheets.queue",
    "coursekit.evaluations.results",
    "coursekit.authoring.detail",
    "coursekit.authoring.uploads",
    "coursekit.upload_admin.queue",
    "coursekit.audit.log",
    "coursekit.provider.settings",
    "coursekit.certificates.mine",
    "coursekit.certificate_admin.index",
    "coursekit.certificate_admin.detail",
    "coursekit.admin.users",
    "coursekit.reports.learner_record",
)
RECORDER = """
window.__xss_calls = [];
window.__xss = (id) => { window.__xss_calls.push(id); };
"""


def signed_in(server: Any, new_context: Callable[..., Any]) -> dict[str, Any]:
    pages = {ANONYMOUS: new_context(server, bypass_csp=True)}
    for role, email in EMAILS.items():
        pages[role] = new_context(server, bypass_csp=True)
        steps.sign_in(Driver(pages[role]), email)
    for page in pages.values():
        page.context.add_init_script(RECORDER)
    return pages


def watch(page: Any, executed: list[str], console: list[str]) -> None:
    page.on(
        "dialog", lambda dialog: (executed.append(f"dialog {dialog.message}"), dialog.dismiss())
    )
    page.on("console", lambda message: console.append(message.text))


def test_no_payload_runs_on_any_page_that_shows_one(live_server, new_context, tmp_path):
    server = live_server()
    samples, written = seed_payloads(server.app, tmp_path)
    pages = signed_in(server, new_context)
    executed: list[str] = []
    console: list[str] = []
    for page in pages.values():
        watch(page, executed, console)
    visited = []
    for endpoint, variants in PAGES.items():
        if endpoint not in SHOWING:
            continue
        for visit in variants.values():
            with server.app.test_request_context():
                path = url_for(endpoint, **visit.arguments(samples))
            page = pages[visit.role]
            assert page.goto(path).status == visit.status, path
            page.wait_for_load_state("load")
            calls = page.evaluate("window.__xss_calls")
            if calls:
                executed.append(f"{path}: payloads {calls} ran")
            if "XSS" in page.title() or not page.url.startswith(server.url):
                executed.append(f"{path}: title {page.title()!r}, address {page.url}")
            visited.append(endpoint)
    assert not executed, "\n".join(executed)
    assert set(visited) == set(SHOWING)
    # Plain-text fields: the payload is on the page as text, exactly as written.
    name = f"{written.fields['first name']} {written.fields['last name']}"
    verify = pages[ANONYMOUS]
    verify.goto(f"/verify/{samples.valid_code}")
    assert name in verify.locator("main").inner_text()
    admin = pages["admin"]
    admin.goto(f"/admin/users/{samples.learner_id}")
    assert written.fields["name reason"] in admin.locator("main").inner_text()
    # The policy would have refused anything that got through; say so if it did.
    refused = [text for text in console if "Content Security Policy" in text]
    print(f"CSP reports in the console (bypassed here): {len(refused)}")
