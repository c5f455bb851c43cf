"""axe-core in the page: the WCAG 2.0/2.1/2.2 A and AA rules, and no serious or critical
violation allowed.

The vendored ``vendor/axe.min.js`` is checked against its recorded digest first, so a
changed file cannot quietly weaken the checks.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        raise AssertionError(f"{AXE} is not axe-core {AXE_VERSION} as vendored (sha256 {digest})")
    return data.decode()


def violations(page: Any, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now, every impact: of the WCAG A and AA
    rules, or of ``rules`` (axe rule ids) only."""
    # A click returns once the next page starts loading; axe on a page whose stylesheet
    # has not applied yet measures unstyled links (CI saw 17-pixel touch targets).
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # does not govern: the policy under test stays as strict as in production.
        page.evaluate(axe_source())
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": TAGS}
    result = page.evaluate("(only) => axe.run(document, {runOnly: only})", only)
    return result["violations"]


def assert_accessible(page: Any, what: str, rules: list[str] | None = None) -> None:
    """Fail, naming each rule, its impact and the elements, if axe finds a serious or
    critical violation on the page (of ``rules`` only, when given)."""
    found = [item for item in violations(page, rules) if item["impact"] in BLOCKING]
    if found:
        lines = [f"axe found {len(found)} serious or critical violation(s) on {what} ({page.url}):"]
        for item in found:
            lines.append(f"- {item['id']} ({item['impact']}): {item['help']} <{item['helpUrl']}>")
            for node in item["nodes"][:5]:
                lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
        raise AssertionError("\n".join(lines))
