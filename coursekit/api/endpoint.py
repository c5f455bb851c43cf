"""``@endpoint``: what an API view reads and answers, declared once and used twice.

The declaration parses and validates the query string and JSON body before the view
runs (the view receives ``query=`` and ``body=`` as loaded dicts, or ``upload=`` for a
file), dumps what the view returns through the response schema (a view declared to
answer a file returns its own response), and is what ``openapi.py`` writes into the
OpenAPI document, so the document cannot drift from the behaviour.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import jsonify, request
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from coursekit.api.errors import fail

F = TypeVar("F", bound=Callable[..., Any])
DECLARATION_ATTRIBUTE = "_coursekit_api_endpoint"


@dataclass(frozen=True)
class Upload:
    """A file in the request: the body itself, sent with one of ``media_types``, or,
    when ``field`` is given, that field of a multipart/form-data body."""

    media_types: tuple[str, ...]
    field: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Uploaded:
    """The file a view declared with :class:`Upload` receives."""

    content: bytes
    filename: str | None


@dataclass(frozen=True)
class Declaration:
    """One API operation: its summary and tag, the schemas of its query string, body and
    answer, the answer's status, and the error statuses its rules can give beyond the
    ones every endpoint of its kind can (401, 403, 422, 429)."""

    summary: str
    tag: str
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    description: str = ""
    upload: Upload | None = None
    produces: tuple[str, ...] = ()
    """Media types of a file answer (the view returns the response); empty for JSON."""
    etag: str | None = None
    """The key of the answer whose value is sent as its ``ETag``. Writes to a resource
    with an ETag honour ``If-Match`` (:func:`if_match`): 412 when it changed since."""


def endpoint(
    summary: str,
    *,
    tag: str,
    query: type[Schema] | None = None,
    body: type[Schema] | None = None,
    response: type[Schema] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    description: str = "",
    upload: Upload | None = None,
    produces: tuple[str, ...] = (),
    etag: str | None = None,
) -> Callable[[F], F]:
    """Declare an API view (see the module docstring). Put it below ``@access``."""
    declaration = Declaration(
        summary, tag, query, body, response, status, errors, description, upload, produces, etag
    )

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def run(**view_args: Any) -> Response:
            if query is not None:
                view_args["query"] = load(query(), request.args.to_dict())
            if body is not None:
                view_args["body"] = load(body(), json_body())
            if upload is not None:
                view_args["upload"] = uploaded(upload)
            result = view(**view_args)
            if produces:
                return result
            answer = jsonify(response().dump(result) if response is not None else result)
            answer.status_code = status
            if etag is not None:
                answer.set_etag(str(result[etag]))
            return answer

        setattr(run, DECLARATION_ATTRIBUTE, declaration)
        return run  # type: ignore[return-value]

    return decorate


def declaration_of(view: Callable[..., Any]) -> Declaration | None:
    """The declaration of an API view, or None for a view without one."""
    return getattr(view, DECLARATION_ATTRIBUTE, None)


def if_match() -> str | None:
    """The one strong ETag the request's ``If-Match`` names, or None when it names none
    or ``*`` (any). A weak tag never matches (RFC 9110, 13.1.1); several tags get a 400,
    because a client that read the resource once has one tag to send."""
    tags = request.if_match
    if tags.star_tag or not tags:
        return None
    strong = tags.as_set()
    if len(strong) > 1:
        fail(400, "bad_request", "If-Match: send the one ETag you read.")
    # A weak tag alone matches nothing: an empty tag cannot be any resource's.
    return next(iter(strong), "")


def json_body() -> Any:
    """The request's JSON body; 400 when it is not JSON or does not parse."""
    if not request.is_json:
        fail(400, "not_json", "Send a JSON body with Content-Type: application/json.")
    try:
        return json.loads(request.get_data(cache=True) or b"")
    except (ValueError, UnicodeDecodeError):
        fail(400, "malformed_json", "The request body is not valid JSON.")


def uploaded(upload: Upload) -> Uploaded:
    """The declared file; 422 naming the field when a multipart body lacks it, 415 when
    the body is not one of the declared media types."""
    if upload.field is not None:
        storage = request.files.get(upload.field)
        if storage is None:
            fail(422, "invalid", "Some fields are invalid.", {upload.field: ["Send the file."]})
        return Uploaded(storage.read(), storage.filename)
    if request.mimetype not in upload.media_types:
        fail(
            415,
            "unsupported_media_type",
            f"Send the file as the body, with Content-Type {' or '.join(upload.media_types)}.",
        )
    return Uploaded(request.get_data(cache=False), None)


def load(schema: Schema, data: Any) -> dict[str, Any]:
    """``data`` loaded by ``schema``; 422 with the messages per field when it is invalid
    (unknown fields included: every API schema refuses them)."""
    try:
        return schema.load(data)
    except ValidationError as error:
        messages = (
            error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        )
        fail(422, "invalid", "Some fields are invalid.", messages)
