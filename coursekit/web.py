"""Small helpers shared by the views of every feature."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import request
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from coursekit.errors import ValidationFailed

Page = str | tuple[str, int] | Response
"""What a view returns: a page, a page with its status, or a redirect."""

T = TypeVar("T")


def safe_next(default: str) -> str:
    """The ``next`` address if it stays on this site, else ``default`` (no open redirect)."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    on_site = target.startswith("/") and not target.startswith("//") and "\\" not in target
    if on_site and not parts.scheme and not parts.netloc:
        return target
    return default


def show_errors(form: FlaskForm, failure: ValidationFailed) -> None:
    """Put each message next to its field, or above the form when no field matches."""
    for name, messages in failure.errors.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]


def perform(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Validate ``form`` and, if it is valid, run ``action`` (an operation).

    Returns the operation's result, or None when the form or the operation's rules refused
    the input; their messages are then on the form, ready to show.
    """
    if not form.validate():
        return None
    try:
        return action()
    except ValidationFailed as failure:
        show_errors(form, failure)
        return None
