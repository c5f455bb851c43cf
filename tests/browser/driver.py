"""Two ways of using a page: with the pointer, and with the keyboard alone.

A journey is written once against :class:`Driver` and run with either. The keyboard
driver reaches every control by pressing Tab (and arrow keys inside a radio group or a
select) and acts with Enter, Space and typing, as a keyboard user does; if Tab never
reaches a control, the journey fails there, saying which control and where focus went.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MAX_TABS = 250
MAX_ARROWS = 30
CHOOSER_WAITS = 100  # of 100 ms


class Driver:
    """Pointer use: Playwright's click, fill, check and select, which act like a mouse
    and a keyboard aimed at one element."""

    name = "pointer"

    def __init__(self, page: Any) -> None:
        self.page = page

    def goto(self, path: str) -> None:
        """Open an address, as typed into the address bar (no pointer or Tab involved)."""
        self.page.goto(path)

    def activate(self, target: Any) -> None:
        """Follow a link or press a button."""
        target.click()

    def fill(self, target: Any, text: str) -> None:
        target.fill(text)

    def tick(self, target: Any) -> None:
        """Tick a checkbox (or choose a radio button)."""
        target.check()

    def choose(self, group: Any, value: str) -> None:
        """Choose the radio button of ``group`` (a locator of one group's radios) whose
        value is ``value``."""
        group.and_(self.page.locator(f'[value="{value}"]')).check()

    def select(self, target: Any, value: str) -> None:
        # By index: Playwright matches a string against labels too, and the label "2" of
        # one option would win over the value "2" of another.
        values = target.evaluate("select => [...select.options].map(option => option.value)")
        target.select_option(index=values.index(value))

    def upload(self, target: Any, path: Path) -> None:
        target.set_input_files(str(path))

    def download(self, target: Any) -> Any:
        """Activate a link that downloads; returns Playwright's Download."""
        with self.page.expect_download() as download:
            self.activate(target)
        return download.value


class KeyboardDriver(Driver):
    """Keyboard-only use: Tab to reach, Enter or Space to act, arrows to choose."""

    name = "keyboard"

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        # Playwright switches file-chooser interception on when the first listener is added,
        # with a message it does not wait for; expect_file_chooser() right before the key
        # press raced it, and a chooser that opened first was lost (seen once in CI). So
        # listen from the start and collect the choosers that open.
        self._choosers: list[Any] = []
        page.on("filechooser", self._chooser_opened)

    def _chooser_opened(self, chooser: Any) -> None:
        self._choosers.append(chooser)

    def focus(self, target: Any) -> None:
        """Press Tab until ``target`` has the focus."""
        target.wait_for()
        seen = []
        for _ in range(MAX_TABS):
            if target.evaluate("element => element === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
            seen.append(self._focused())
        trail = ", ".join(dict.fromkeys(seen))
        raise AssertionError(
            f"Tab never reached {target} on {self.page.url} in {MAX_TABS} presses; focus went "
            f"through: {trail}"
        )

    def _focused(self) -> str:
        return self.page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e || e === document.body) return "(page)";
                const text = (e.innerText || e.value || e.name || "").trim().slice(0, 30);
                return `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} "${text}"`;
            }"""
        )

    def activate(self, target: Any) -> None:
        """Enter on a link or submit button, waiting for the page it leads to (a click
        waits by itself; a key press does not)."""
        self.focus(target)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def download(self, target: Any) -> Any:
        self.focus(target)
        with self.page.expect_download() as download:
            self.page.keyboard.press("Enter")
        return download.value

    def fill(self, target: Any, text: str) -> None:
        self.focus(target)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def tick(self, target: Any) -> None:
        self.focus(target)
        if not target.is_checked():
            self.page.keyboard.press("Space")
        assert target.is_checked(), f"Space did not tick {target}"

    def choose(self, group: Any, value: str) -> None:
        # Tab enters a radio group once (at the chosen radio, or the first); the arrow
        # keys then move the choice through the group.
        wanted = group.and_(self.page.locator(f'[value="{value}"]'))
        checked = group.and_(self.page.locator(":checked"))
        self.focus(checked if checked.count() else group.first)
        for _ in range(MAX_ARROWS):
            if wanted.is_checked():
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"the arrow keys never chose {value!r} in {group}")

    def select(self, target: Any, value: str) -> None:
        self.focus(target)
        options = target.evaluate("select => [...select.options].map(option => option.value)")
        current = options.index(target.input_value())
        key = "ArrowDown" if options.index(value) > current else "ArrowUp"
        for _ in range(abs(options.index(value) - current)):
            self.page.keyboard.press(key)
        assert target.input_value() == value, f"the arrow keys did not select {value!r}"

    def upload(self, target: Any, path: Path) -> None:
        self.focus(target)
        self._choosers.clear()
        self.page.keyboard.press("Space")
        for _ in range(CHOOSER_WAITS):
            if self._choosers:
                self._choosers.pop().set_files(str(path))
                return
            self.page.wait_for_timeout(100)  # lets Playwright deliver the chooser event
        raise AssertionError(f"Space on {target} opened no file chooser in 10 s")


DRIVERS = {"pointer": Driver, "keyboard": KeyboardDriver}
