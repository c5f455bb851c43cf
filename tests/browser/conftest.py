"""Browser fixtures: Debian's Chromium driven by Playwright, a live server per journey,
screenshots kept for people to look at, and a screenshot of every open page when a
test fails.

Without a Chromium (or Playwright) the browser tests are skipped with the reason, unless
``COURSEKIT_REQUIRE_BROWSER`` is set (``.ci/run`` sets it): then they fail, so CI never
counts a browser test that did not run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import LiveServer, running

CHROMIUM = os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Long enough for a slow CI machine, short enough that a missing element fails fast.
STEP_TIMEOUT_MS = 10_000


def _unavailable(reason: str) -> None:
    if os.environ.get("COURSEKIT_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests must run here, but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run; each journey opens its own contexts."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    flags = CHROMIUM_FLAGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where this test's screenshots go: ``$COURSEKIT_ARTIFACTS/browser/<test>/``
    (``.ci/run`` keeps them), or the test's temporary folder."""
    root = os.environ.get("COURSEKIT_ARTIFACTS")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    folder = Path(root) / "browser" / name if root else tmp_path / "screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start a server with a fresh database: ``live_server(**settings)``; stopped after
    the test. Journeys set up accounts through ``server.user`` before driving pages."""
    stack: list[Any] = []

    def start(**settings: Any) -> LiveServer:
        folder = tmp_path / f"server{len(stack)}"
        folder.mkdir()
        context = running(folder, **settings)
        stack.append(context)
        return context.__enter__()

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


@pytest.fixture
def new_context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """``new_context(server)``: a fresh browser context (no cookies) with one page on
    the server's address. Every page opened is screenshotted if the test fails."""
    opened: list[Any] = []
    request.node.browser_pages = opened

    def make(server: LiveServer, **options: Any) -> Any:
        context = browser.new_context(
            base_url=server.url, viewport={"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()
        opened.append(page)
        return page

    yield make
    for page in opened:
        page.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """On a failing step, save what each open page showed and say where."""
    outcome = yield
    report = outcome.get_result()
    pages = getattr(item, "browser_pages", [])
    if report.when != "call" or not report.failed or not pages:
        return
    root = Path(os.environ.get("COURSEKIT_ARTIFACTS") or item.config.rootpath / ".ci/artifacts")
    folder = root / "browser-failures"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.name)
    for number, page in enumerate(pages, start=1):
        if page.is_closed():
            continue
        path = folder / f"{name}-page{number}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as exc:
            report.sections.append(("screenshot", f"page {number}: none ({exc})"))
            continue
        report.sections.append(("screenshot", f"page {number} at {page.url}: {path}"))
