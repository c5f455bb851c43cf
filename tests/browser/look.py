"""Looking at pages: each key page is checked with axe and saved as a screenshot at
desktop and phone width, where it must not scroll sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.accessibility import assert_accessible

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# A screenshot shows at most this much of a page's height: a longer picture is no easier
# to look at, and the question bank previews (90,000 px) took seconds each to capture.
SHOT_HEIGHT = 8000
# The axe rules whose result depends on the layout, run again at phone width: a table
# that fits a desktop scrolls sideways on a phone, and must then be reachable by keyboard;
# targets crowd together when the layout narrows.
PHONE_RULES = ["scrollable-region-focusable", "target-size"]


def screenshot(page: Any, path: Path) -> None:
    """The page from its top, as tall as it is up to ``SHOT_HEIGHT`` CSS pixels."""
    width, height = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, SHOT_HEIGHT)}
    page.screenshot(path=str(path), full_page=True, clip=clip)


def overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def sticking_out(page: Any) -> list[str]:
    """The innermost elements reaching past the window's right edge, to name in a failure."""
    return page.evaluate(
        """() => {
            const out = e => e.getBoundingClientRect().right > window.innerWidth + 1;
            const name = e => e.tagName.toLowerCase()
                + (e.className ? "." + String(e.className).replace(/ /g, ".") : "");
            return [...document.querySelectorAll("body *")]
                .filter(e => out(e) && ![...e.children].some(out))
                .slice(0, 8)
                .map(e => `${name(e)} (to ${Math.round(e.getBoundingClientRect().right)} px)`);
        }"""
    )


def duplicate_ids(page: Any) -> list[str]:
    """Ids used by more than one element: a label or hint for one of them describes the
    first, whichever control it was written for. (Flask-WTF's hidden ``csrf_token`` inputs
    repeat theirs in every form; nothing refers to them.)"""
    return page.evaluate(
        """() => {
            const ids = [...document.querySelectorAll("[id]:not(input[type=hidden])")]
                .map(e => e.id);
            return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
        }"""
    )


def check(page: Any, folder: Path, name: str) -> None:
    """axe on the page and unique ids, then screenshots ``<name>-desktop.png`` and
    ``<name>-phone.png`` in ``folder``; the phone layout must fit its width and pass axe's
    layout rules."""
    assert_accessible(page, name)
    repeated = duplicate_ids(page)
    assert not repeated, f"{name} ({page.url}) repeats the ids {repeated}"
    size = page.viewport_size or DESKTOP
    try:
        page.set_viewport_size(DESKTOP)
        screenshot(page, folder / f"{name}-desktop.png")
        page.set_viewport_size(PHONE)
        screenshot(page, folder / f"{name}-phone.png")
        wider = overflow(page)
        assert wider == 0, (
            f"{name} ({page.url}) is {wider} px wider than a 375 px phone: "
            + ", ".join(sticking_out(page))
        )
        assert_accessible(page, f"{name} at phone width", PHONE_RULES)
    finally:
        page.set_viewport_size(size)
