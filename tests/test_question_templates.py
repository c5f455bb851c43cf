"""Question-type templates: the key shows only in review, and pages stay within the CSP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, render_template
from markupsafe import Markup

from coursekit.assessment.registry import registry
from coursekit.packages import markdown
from tests.question_samples import SAMPLES, SECRET, SECRET_NUMBERS, rng, sample

REVIEW_SHOWS = {
    "single": "correct answer",
    "multiple": "correct answer",
    "true_false": "ZQK yes",
    "short_text": "ZQK tibial",
    "numeric": "1234.5678",
    "numeric_range": "98.7654",
    "matching": "Correct match",
    "ordering": "Correct place",
    "hotspot": "250.0,75.0",
}
"""Per sample, something only the key can put on the page."""
ANSWERS = {"true_false": True, "hotspot": {"x": 260, "y": 480}}
"""Saved answers for samples whose key shows feedback on the chosen answer only."""


def render(name: str, *, review: bool, closed: bool = False) -> str:
    question = sample(name)
    question["image_size"] = [500, 500]
    kind = registry()[question["type"]]
    arrangement = kind.arrange(question, rng(5), True)
    response = ANSWERS.get(name)
    if response is not None:
        response = kind.parse(question, arrangement, response)
    return render_template(
        kind.template,
        q=kind.present(question, arrangement),
        name="answer",
        value=None if response is None else kind.display(question, arrangement, response),
        review=kind.key(question, arrangement) if review else None,
        closed=closed,
        md=lambda text: Markup(markdown.render(text, lambda media: f"/media/{media}")),  # noqa: S704
        image_url="/media/leg.svg",
    )


@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_key_shows_only_in_review(app: Flask, name: str) -> None:
    with app.test_request_context():
        answering, reviewing = render(name, review=False), render(name, review=True)
    for secret in [SECRET, "answer-key", "tag-correct", *SECRET_NUMBERS.get(name, ())]:
        assert secret not in answering
    if name in REVIEW_SHOWS:
        assert REVIEW_SHOWS[name] in reviewing
    # No inline script or style: the Content-Security-Policy would block it.
    for page in (answering, reviewing):
        assert not re.search(r"<script(?![^>]*\ssrc=)|\sstyle=|\son[a-z]+=", page)


@pytest.mark.parametrize("name", [name for name in SAMPLES if name != "description"])
def test_a_closed_attempt_disables_every_control(app: Flask, name: str) -> None:
    with app.test_request_context():
        open_page, closed_page = render(name, review=False), render(name, review=False, closed=True)
    controls = re.compile(r"<(?:input|select|textarea)\b[^>]*>")
    assert controls.findall(open_page)
    assert not any("disabled" in control for control in controls.findall(open_page))
    assert all("disabled" in control for control in controls.findall(closed_page))


def test_every_control_has_a_label(app: Flask) -> None:
    for name in SAMPLES:
        with app.test_request_context():
            page = render(name, review=False)
        for control in re.findall(r"<(?:select|textarea|input(?![^>]*hidden))\b[^>]*>", page):
            ident = re.search(r'\sid="([^"]+)"', control)
            labelled = "aria-labelledby=" in control or (
                ident and f'for="{ident.group(1)}"' in page
            )
            wrapped = re.search(rf"<label[^>]*>\s*{re.escape(control)}", page)
            assert labelled or wrapped, (name, control)


def test_the_hotspot_script_is_loaded_only_while_answering(app: Flask) -> None:
    with app.test_request_context():
        answering, reviewing = render("hotspot", review=False), render("hotspot", review=True)
    assert "coursekit/hotspot.js" in answering
    assert "coursekit/hotspot.js" not in reviewing
    assert 'data-width="500"' in answering
    assert "Or choose a labelled point" in answering


def test_a_saved_click_is_marked_on_the_diagram(app: Flask) -> None:
    ANSWERS["hotspot_click"] = {"x": 12.5, "y": 40}
    SAMPLES["hotspot_click"] = SAMPLES["hotspot"]
    try:
        with app.test_request_context():
            page: Any = render("hotspot_click", review=False)
    finally:
        del ANSWERS["hotspot_click"], SAMPLES["hotspot_click"]
    assert 'value="12.5"' in page
    assert re.search(r'cx="12.5" cy="40.0"\s+visibility="visible"', page)
