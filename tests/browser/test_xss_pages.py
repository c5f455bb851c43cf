"""The XSS corpus in a real browser: every page type that shows what authors, learners
and administrators wrote (``tests/xss_records.py``), opened as its role, and every page
of the published payload module Mei takes (lesson, worksheet, question, check and review
pages, evaluation, certificates, transcript).

The pages are opened first with the Content-Security-Policy switched off (Playwright's
``bypass_csp``), so what is tested is escaping and sanitising alone. ``window.__xss`` is
defined before any page script runs and records every payload that calls it; a dialog, a
changed title or a ``javascript:`` navigation counts as execution too. The payload text
of a plain-text field must be visible as text. Then a second pass with the policy on
records every ``securitypolicyviolation`` event: coursekit's own markup must cause none.

Control tests prove the detectors see what they look for: a page that renders payloads
raw is reported, and the policy's violations are recorded when it blocks one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for

from coursekit.blueprint import SECURITY_HEADERS
from tests.browser import learner_steps as steps
from tests.browser.driver import Driver
from tests.page_catalogue import ANONYMOUS, EMAILS, PAGES
from tests.xss_corpus import CORPUS
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
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || "page"}:${event.lineNumber})`);
});
"""
# Violation events are queued as tasks: let them run before reading the list.
CSP_REPORTS = "() => new Promise((done) => setTimeout(() => done(window.__csp), 50))"
RAW_PAYLOADS = [
    p for p in CORPUS if p.kind in ("script tag", "img onerror", "svg onload", "title setter")
]


def signed_in(server: Any, new_context: Callable[..., Any], *, bypass_csp: bool) -> dict:
    pages = {ANONYMOUS: new_context(server, bypass_csp=bypass_csp)}
    for role, email in EMAILS.items():
        pages[role] = new_context(server, bypass_csp=bypass_csp)
        steps.sign_in(Driver(pages[role]), email)
    for page in pages.values():
        page.context.add_init_script(RECORDER)
    return pages


def watch(page: Any, executed: list[str]) -> None:
    page.on(
        "dialog", lambda dialog: (executed.append(f"dialog {dialog.message}"), dialog.dismiss())
    )


def payloads_run(page: Any, path: str, status: int, origin: str) -> list[str]:
    """Open ``path``; every sign that a payload ran there (the detector)."""
    assert page.goto(path).status == status, path
    page.wait_for_load_state("load")
    found = []
    calls = page.evaluate("window.__xss_calls")
    if calls:
        found.append(f"{path}: payloads {sorted(calls)} ran")
    if "XSS" in page.title() or not page.url.startswith(origin):
        found.append(f"{path}: title {page.title()!r}, address {page.url}")
    return found


def visits(server: Any, samples: Any, written: Any) -> list[tuple[str, str, str, int]]:
    """(endpoint or "payload module", role, path, status) of every page to open."""
    found = []
    for endpoint, variants in PAGES.items():
        if endpoint not in SHOWING:
            continue
        for visit in variants.values():
            with server.app.test_request_context():
                path = url_for(endpoint, **visit.arguments(samples))
            found.append((endpoint, visit.role, path, visit.status))
    found += [("payload module", role, path, 200) for role, path in written.pages]
    return found


def test_no_payload_runs_on_any_page_that_shows_one(live_server, new_context, tmp_path):
    server = live_server()
    samples, written = seed_payloads(server.app, tmp_path)
    to_visit = visits(server, samples, written)
    pages = signed_in(server, new_context, bypass_csp=True)
    executed: list[str] = []
    for page in pages.values():
        watch(page, executed)
    for _endpoint, role, path, status in to_visit:
        executed += payloads_run(pages[role], path, status, server.url)
    assert not executed, "\n".join(executed)
    assert {endpoint for endpoint, *_ in to_visit} == {*SHOWING, "payload module"}
    # Plain-text fields: the payload is on the page as text, exactly as written.
    name = f"{written.fields['first name']} {written.fields['last name']}"
    verify = pages[ANONYMOUS]
    verify.goto(f"/verify/{samples.valid_code}")
    assert name in verify.locator("main").inner_text()
    admin = pages["admin"]
    admin.goto(f"/admin/users/{samples.learner_id}")
    record = admin.locator("main").inner_text()
    assert written.fields["name reason"] in record
    assert written.fields["extra time reason"] in record
    learner = pages["learner"]
    learner.goto("/certificates")
    assert written.fields["module title"] in learner.locator("main").inner_text()

    # The policy on: coursekit's own markup (and whatever escaped) must break no rule.
    strict = signed_in(server, new_context, bypass_csp=False)
    violations: list[str] = []
    for _endpoint, role, path, status in to_visit:
        page = strict[role]
        violations += payloads_run(page, path, status, server.url)
        violations += [f"{path}: {report}" for report in page.evaluate(CSP_REPORTS)]
    assert not violations, "\n".join(violations)


def control_page(browser: Any, *, bypass_csp: bool, headers: dict[str, str]) -> Any:
    """A page at a made-up address whose HTML shows ``RAW_PAYLOADS`` unescaped: the
    defect the detectors exist to find."""
    context = browser.new_context(bypass_csp=bypass_csp)
    context.add_init_script(RECORDER)
    body = "".join(payload.text for payload in RAW_PAYLOADS)
    html = f"<!doctype html><html><head><title>Control</title></head><body>{body}</body></html>"
    page = context.new_page()
    page.route(
        "https://control.test/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=html, headers=headers
        ),
    )
    return page


def test_the_detectors_report_a_page_that_renders_payloads_raw(browser):
    page = control_page(browser, bypass_csp=True, headers={})
    try:
        found = payloads_run(page, "https://control.test/raw", 200, "https://control.test")
    finally:
        page.context.close()
    ran = [payload.id for payload in RAW_PAYLOADS if payload.kind != "title setter"]
    assert f"https://control.test/raw: payloads {sorted(ran)} ran" in found, found
    assert any("title 'XSS" in line for line in found), found

    # With coursekit's policy on, the same page runs nothing and reports what was blocked.
    page = control_page(browser, bypass_csp=False, headers=dict(SECURITY_HEADERS))
    try:
        found = payloads_run(page, "https://control.test/raw", 200, "https://control.test")
        reports = page.evaluate(CSP_REPORTS)
    finally:
        page.context.close()
    assert found == [], found
    assert any(report.startswith("script-src") for report in reports), reports
