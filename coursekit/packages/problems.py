"""Problems found in a package: each one points at a file and, where it can, a line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from coursekit.packages.yamlpos import KeyPath, PositionedDocument


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a package, printed as ``path:line:column: message``.

    ``path`` is the file as the author knows it (relative to the folder being validated,
    or the file name inside a zip). ``line`` and ``column`` count from 1; they are 0 when
    the problem concerns a whole file (a missing file, a zip too large), and then the
    printed form is ``path: message``.

    A ``warning`` is advice, not an error: the package still loads (a lesson that cites no
    sources, credit that the lessons' minutes do not support), and it is printed with
    ``warning:`` before the message.
    """

    path: str
    line: int
    column: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        message = f"warning: {self.message}" if self.warning else self.message
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: {message}"
        return f"{self.path}: {message}"


class PackageInvalid(Exception):
    """A package could not be loaded; ``problems`` says every reason at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def schema_problems(
    error: ValidationError, document: PositionedDocument, path: str
) -> Iterator[Problem]:
    """One problem per marshmallow message, at the position of the value it concerns."""
    for key_path, message in _flatten(error.messages):
        on_key = message == "Unknown field."
        line, column = document.position(key_path, key=on_key)
        where = _dotted(key_path)
        text = f"unknown field {where!r}" if on_key else f"{where}: {message}"
        yield Problem(path, line, column, text if where else message)


def _flatten(messages: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema" or (key in ("key", "value") and path and isinstance(value, list)):
                yield from _flatten(value, path)
            else:
                yield from _flatten(value, (*path, key))
    elif isinstance(messages, list):
        for message in messages:
            yield from _flatten(message, path)
    else:
        yield path, str(messages)


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
