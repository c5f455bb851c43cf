"""Static checks: bandit finds nothing in coursekit/ that is not reviewed, and ruff is
clean on the whole repository. A reviewed finding is suppressed on its own line with
``# reason  # nosec BXXX`` and listed in docs/security.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
REVIEWED = re.compile(r"#(?P<reason>[^#]*\w[^#]*)#\s*nosec (?P<ids>B\d{3}(?:, ?B\d{3})*)\s*$")
"""``# why  # nosec B101``: the reason, then the test ids it suppresses (bandit reads
every word after ``nosec`` as a test name, so the reason comes first)."""


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tools, fixed arguments
        [str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True
    )


def test_bandit_finds_nothing_unreviewed():
    result = run("bandit", "-r", "coursekit", "-c", "pyproject.toml", "-q", "-f", "json")
    report = json.loads(result.stdout)
    assert report["errors"] == []
    findings = [
        f"{item['filename']}:{item['line_number']}: {item['test_id']} {item['issue_text']}"
        for item in report["results"]
    ]
    assert findings == [], "fix these, or review them (see docs/security.md):\n" + "\n".join(
        findings
    )
    assert result.returncode == 0


def suppressions() -> list[tuple[str, int, str, str]]:
    """Every ``# nosec`` in coursekit/: file, line, its ids and the rest of the comment."""
    found = []
    for path in sorted((ROOT / "coursekit").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if match := NOSEC.search(line):
                reviewed = REVIEWED.search(line)
                ids = reviewed["ids"].replace(" ", "") if reviewed else ""
                found.append((path.relative_to(ROOT).as_posix(), number, ids, match["rest"]))
    return found


def test_every_suppression_names_its_test_and_reason_and_is_listed_in_the_docs():
    security = (ROOT / "docs" / "security.md").read_text()
    listed = security.split("## Static checks", 1)[1]
    found = suppressions()
    assert found  # the reviewed findings below exist; an empty scan would be a broken test
    for path, number, ids, rest in found:
        assert ids, f"{path}:{number}: write `# reason  # nosec BXXX`, not `# nosec{rest}`"
        for test_id in ids.split(","):
            assert f"`{path}`" in listed and test_id in listed, f"{path}:{number} {test_id}"


def test_ruff_is_clean_on_the_whole_repository():
    check = run("ruff", "check", ".")
    assert check.returncode == 0, check.stdout
    formatted = run("ruff", "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout
