"""The validation report, as ``coursekit validate`` prints it and the upload page shows it.

One function builds it, so the command line and the browser can never disagree: every
problem and warning (``path:line:column: message``), then one line per package, then the
totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coursekit.packages.discovery import LoadReport
from coursekit.packages.problems import Problem


@dataclass(frozen=True)
class ValidationReport:
    """What was found, in the order it is printed."""

    findings: tuple[Problem, ...]
    """Problems and warnings, each at its file, line and column."""
    packages: tuple[str, ...]
    """``ok    label: id version hash`` or ``FAIL  label: n problems``, one per package."""
    invalid: int
    warnings: int
    valid: int

    @property
    def summary(self) -> str:
        """The last line: ``1 valid, 0 invalid, 2 warnings``."""
        return f"{self.valid} valid, {self.invalid} invalid{_warned(self.warnings, ', ')}"

    def lines(self) -> list[str]:
        """The report as text, line by line."""
        return [*(str(finding) for finding in self.findings), *self.packages, self.summary]

    def ok(self, *, strict: bool = False) -> bool:
        """Nothing invalid (and, with ``strict``, nothing warned about)."""
        return self.invalid == 0 and not (strict and self.warnings)


def validation_report(
    report: LoadReport, bank_problems: Mapping[str, list[Problem]] | None = None
) -> ValidationReport:
    """The report on ``report`` and on the shared banks checked beside it."""
    bank_problems = bank_problems or {}
    loaded = sorted(report.loaded, key=lambda item: item.label)
    findings = [
        *(
            problem
            for label in sorted(report.problems)
            for problem in sorted(report.problems[label])
        ),
        *(warning for package in loaded for warning in package.warnings),
        *(problem for label in sorted(bank_problems) for problem in bank_problems[label]),
    ]
    packages = [
        f"ok    {item.label}: {item.package.id} {item.package.version} "
        f"{item.package.content_hash}{_warned(len(item.warnings))}"
        for item in loaded
    ]
    for label in sorted(report.problems):
        count = len(report.problems[label])
        packages.append(f"FAIL  {label}: {count} problem{'s' * (count != 1)}")
    bad_banks = sum(
        1 for found in bank_problems.values() if any(not problem.warning for problem in found)
    )
    warnings = sum(len(item.warnings) for item in loaded) + sum(
        1 for found in bank_problems.values() for problem in found if problem.warning
    )
    return ValidationReport(
        findings=tuple(findings),
        packages=tuple(packages),
        invalid=len(report.problems) + bad_banks,
        warnings=warnings,
        valid=len(report.loaded),
    )


def _warned(count: int, separator: str = " ") -> str:
    if not count:
        return ""
    text = f"{count} warning{'s' * (count != 1)}"
    return f"{separator}{text}" if separator != " " else f" ({text})"
