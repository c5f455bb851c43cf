"""Driving the post-test pages as a learner would: start, answer, submit."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import submit


def overview(module_id: str = "calf") -> str:
    return f"/modules/{module_id}/post-test"


def start(client: FlaskClient, module_id: str = "calf") -> tuple[int, str]:
    """Start (or resume) an attempt; its id and the question page it sends us to."""
    page = overview(module_id)
    response = submit(client, page, {}, f"{page}/start")
    assert response.status_code == 303, response.text
    attempt_id = int(re.search(r"/attempts/(\d+)/", response.location).group(1))
    return attempt_id, response.location


def displayed_position(page: str, text: str) -> str:
    """The form value of the option labelled ``text`` on a question page."""
    for value, label in re.findall(r'value="(\d+)"[^>]*>\s*<span><p>([^<]*)</p>', page):
        if label == text:
            return value
    raise AssertionError(f"no option {text!r} on the page")


def answer(
    client: FlaskClient, attempt_id: int, number: int, text: str, action: str = "next"
) -> TestResponse:
    page = client.get(f"/attempts/{attempt_id}/{number}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(
        f"/attempts/{attempt_id}/{number}",
        data={"csrf_token": token, "answer": displayed_position(page, text), "action": action},
    )


def submit_attempt(
    client: FlaskClient, attempt_id: int, headers: dict[str, str] | None = None
) -> TestResponse:
    """Submit as the learner does: post the check-your-answers page's submit form, with
    every hidden field it carries (the CSRF token and the confirmation)."""
    page = client.get(f"/attempts/{attempt_id}").text
    action = f"/attempts/{attempt_id}/submit"
    form = re.search(rf'<form method="post" action="{action}">(.*?)</form>', page, re.S)
    assert form, f"no submit form on the check page of attempt {attempt_id}"
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(1)))
    return client.post(action, data=fields, headers=headers or {})
