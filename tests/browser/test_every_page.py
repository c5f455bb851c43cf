"""Every page type, as the people who use it see it: each HTML page in the url_map, the
error pages and forms after a failed submission, checked with axe (no serious or
critical violation) and at phone width (no sideways scroll), with screenshots at desktop
and phone width kept for people to look at.

One server, one set of sample records (``sample_records``), one browser context per role
signed in through the login page; the pages and their arguments are in
``page_catalogue``. Every failure is collected, so one run lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from playwright.sync_api import expect

from tests.browser import learner_steps as steps
from tests.browser.driver import Driver
from tests.browser.look import check
from tests.page_catalogue import ANONYMOUS, EMAILS, LEARNER, PAGES, get_endpoints, unlisted
from tests.sample_records import CALF, Samples, seed


def signed_in(server: Any, new_context: Callable[..., Any]) -> dict[str, Any]:
    """A page per role, each in its own browser context, signed in through the login page."""
    pages = {ANONYMOUS: new_context(server)}
    for role, email in EMAILS.items():
        pages[role] = new_context(server)
        steps.sign_in(Driver(pages[role]), email)
    return pages


def looked_at(failures: list[str], page: Any, shots: Path, name: str) -> None:
    """``check`` the page, keeping its failure to report with the others."""
    try:
        check(page, shots, name)
    except AssertionError as failure:
        failures.append(str(failure))


def visit_every_page(app: Flask, pages: dict[str, Any], samples: Samples, shots: Path) -> list[str]:
    """Open each page of ``PAGES`` as its role and check it; the failures."""
    failures = []
    for endpoint, variants in PAGES.items():
        for variant, visit in variants.items():
            with app.test_request_context():
                path = url_for(endpoint, **visit.arguments(samples))
            name = endpoint.removeprefix("coursekit.") + (f"-{variant}" if variant else "")
            page = pages[visit.role]
            response = page.goto(path)
            if response.status != visit.status:
                failures.append(f"{name}: {path} answered {response.status}, not {visit.status}")
                continue
            looked_at(failures, page, shots, name)
    return failures


def alert_shown(page: Any) -> None:
    expect(page.get_by_role("alert").first).to_be_visible()


def visit_error_states(pages: dict[str, Any], shots: Path) -> list[str]:
    """The error pages, and forms after a failed submission with their errors shown."""
    failures: list[str] = []
    anonymous, learner = pages[ANONYMOUS], pages[LEARNER]

    assert anonymous.goto("/modules/no-such-module").status == 404
    looked_at(failures, anonymous, shots, "error-404")
    assert learner.goto("/admin").status == 403
    looked_at(failures, learner, shots, "error-403")

    anonymous.goto("/login")
    anonymous.get_by_label("Email").fill("nobody@example.org")
    anonymous.get_by_label("Password").fill("not the password")
    anonymous.get_by_role("button", name="Sign in").click()
    alert_shown(anonymous)
    looked_at(failures, anonymous, shots, "failed-login")

    anonymous.goto("/register")
    anonymous.get_by_label("Email").fill("not an address")
    anonymous.get_by_label("NCCAOM ID (optional)").fill("0123")
    anonymous.get_by_label("Password").fill("short")
    anonymous.get_by_role("button", name="Create account").click()
    alert_shown(anonymous)
    looked_at(failures, anonymous, shots, "failed-registration")

    learner.goto("/account")
    learner.get_by_label("NCCAOM ID", exact=True).fill("0abc")
    learner.get_by_role("button", name="Save profile").click()
    alert_shown(learner)
    looked_at(failures, learner, shots, "failed-profile")

    learner.goto("/account/password")
    learner.get_by_label("Current password").fill("not the password")
    learner.get_by_role("button", name="Change password").click()
    alert_shown(learner)
    looked_at(failures, learner, shots, "failed-password-change")

    learner.goto(f"/modules/{CALF}/evaluation")
    learner.get_by_role("button", name=re.compile("^Submit")).click()
    alert_shown(learner)
    looked_at(failures, learner, shots, "failed-evaluation")
    return failures


def test_every_page_is_accessible_and_fits_a_phone(live_server, new_context, artifacts, tmp_path):
    server = live_server()
    problem = unlisted(get_endpoints(server.app))
    assert not problem, problem
    samples = seed(server.app, tmp_path)
    pages = signed_in(server, new_context)
    failures = visit_every_page(server.app, pages, samples, artifacts)
    failures += visit_error_states(pages, artifacts)
    assert not failures, f"{len(failures)} page(s) failed:\n\n" + "\n\n".join(failures)
