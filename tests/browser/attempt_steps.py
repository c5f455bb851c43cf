"""Taking a post-test in the browser: every question type answered through its controls,
a hotspot by clicking the diagram or by choosing a labelled point."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from coursekit.assessment.registry import registry
from tests.answers import right_response
from tests.browser.driver import Driver

NAME = "answer"


def wrong_response(question: dict, arrangement: Any) -> Any:
    """An answer that earns nothing, for the types where one is easy to give; None
    (leave it unanswered) for the others."""
    key = registry()[question["type"]].key(question, arrangement)
    kind = question["type"]
    if kind == "single":
        return next(str(shown) for shown in range(10) if shown not in key["correct"])
    if kind == "true_false":
        return not key["answer"]
    return None


def answer(ui: Driver, question: dict, response: Any, *, click_hotspots: bool) -> None:
    """Give ``response`` (in displayed terms, as the JSON API takes it) through the
    question's own controls."""
    page, kind = ui.page, question["type"]
    if kind == "single":
        ui.choose(page.locator(f'input[name="{NAME}"]'), response)
    elif kind == "true_false":
        ui.choose(page.locator(f'input[name="{NAME}"]'), str(response).lower())
    elif kind == "multiple":
        for shown in response:
            ui.tick(page.locator(f'input[name="{NAME}"][value="{shown}"]'))
    elif kind in ("short_text", "numeric"):
        ui.fill(page.locator(f"#{NAME}-input"), str(response))
    elif kind in ("matching", "ordering"):
        for shown, value in enumerate(response):
            ui.select(page.locator(f"#{NAME}-{shown}"), str(value))
        chosen = [page.locator(f"#{NAME}-{shown}").input_value() for shown in range(len(response))]
        assert chosen == [str(value) for value in response], (chosen, response)
    elif kind == "hotspot" and click_hotspots:
        click_diagram(ui, question, response["candidate"])
    elif kind == "hotspot":
        ui.choose(page.locator(f'input[name="{NAME}-candidate"]'), response["candidate"])
    else:
        raise AssertionError(f"no way to answer a {kind} question")


def click_diagram(ui: Driver, question: dict, shown: str) -> None:
    """Click the diagram where the labelled point shown at ``shown`` lies (a point in a
    right region), converting the image's own coordinates to the page's."""
    page = ui.page
    label = page.locator(f'input[name="{NAME}-candidate"][value="{shown}"]').locator("xpath=..")
    text = label.inner_text().strip()
    (point,) = [c for c in question["candidates"] if c["label"] == text]
    image = page.locator(".hotspot-image")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    width, height = (
        float(v)
        for v in page.locator("[data-hotspot]").evaluate(
            "box => [box.dataset.width, box.dataset.height]"
        )
    )
    image.click(
        position={"x": point["x"] / width * box["width"], "y": point["y"] / height * box["height"]}
    )
    expect(page.locator(".hotspot-status")).to_have_text("You chose a point on the diagram.")


def answer_questions(
    ui: Driver,
    questions: list[tuple[dict, Any]],
    numbers: range,
    *,
    right: bool,
    click_hotspots: bool = False,
) -> None:
    """Answer the questions numbered ``numbers`` (1-based) in turn, each page saved with
    "Save and continue"; the page must be showing the first of them."""
    for number in numbers:
        question, arrangement = questions[number - 1]
        expect(ui.page.get_by_text(f"question {number} of {len(questions)}")).to_be_visible()
        response = (
            right_response(question, arrangement)
            if right
            else wrong_response(question, arrangement)
        )
        if response is not None:
            answer(ui, question, response, click_hotspots=click_hotspots)
        last = number == len(questions)
        button = "Save and review all answers" if last else "Save and continue →"
        ui.activate(ui.page.get_by_role("button", name=button))


def open_post_test(ui: Driver) -> None:
    """From "My learning", whose next step for the module is the post-test."""
    ui.activate(ui.page.get_by_role("link", name="My learning"))
    ui.activate(ui.page.get_by_role("link", name=re.compile("^Post-test:")).first)
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Post-test")


def resume_from_dashboard(ui: Driver) -> None:
    """Back later: "My learning" names the unfinished attempt; its link leads back."""
    ui.activate(ui.page.get_by_role("link", name="My learning"))
    ui.activate(ui.page.get_by_role("link", name=re.compile("^Finish your post-test attempt")))


def submit(ui: Driver) -> None:
    """On the check page: submit the answers, which is final."""
    expect(ui.page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before you submit"
    )
    ui.activate(ui.page.get_by_role("button", name=re.compile("^Submit final answers")))


def change_answer(ui: Driver, question: dict, arrangement: Any, number: int, **how: Any) -> None:
    """From the check page: change one answer and come back to the check page."""
    # "Change answer" for a question answered wrongly, "Answer" for one left blank.
    link = re.compile(f"^(Change answer to|Answer) question {number}$")
    ui.activate(ui.page.get_by_role("link", name=link))
    answer(ui, question, right_response(question, arrangement), **how)
    ui.activate(ui.page.get_by_role("button", name="Save and review all answers"))
