"""Problems found in a package: each one points at a file and, where it can, a line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a package, printed as ``path:line:column: message``.

    ``path`` is the file as the author knows it (relative to the folder being validated,
    or the file name inside a zip). ``line`` and ``column`` count from 1; they are 0 when
    the problem concerns a whole file (a missing file, a zip too large), and then the
    printed form is ``path: message``.
    """

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{self.path}: {self.message}"


class PackageInvalid(Exception):
    """A package could not be loaded; ``problems`` says every reason at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = sorted(problems)
