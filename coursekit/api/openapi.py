"""The OpenAPI 3.1 document, generated from the url_map and each view's ``@endpoint``.

apispec's marshmallow plugin turns the schemas into JSON Schema; this module adds what
the url_map and the access policies know: paths and their parameters, who may call
each operation (security and the token scope it needs) and the errors it can answer.
"""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, url_for
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from coursekit.access import policy_of
from coursekit.api.auth import API_BLUEPRINT, required_scope
from coursekit.api.endpoint import Declaration, Upload, declaration_of
from coursekit.api.errors import STANDARD
from coursekit.api.schemas.common import ErrorSchema

API_VERSION = "1.0.0"
DESCRIPTION = (
    "CourseKit's JSON API: the catalogue, a learner's enrolments, progress, attempts and "
    "certificates, and public certificate verification. Authenticate with "
    "`Authorization: Bearer <token>` (tokens are created at /account/tokens) or with the "
    "browser session plus the X-CSRFToken header for writes. Every error answers "
    '`{"error": {"code", "message", "fields"}}`. See docs/api.md.'
)
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
ETAG = {
    "description": "The version of what was read; send it back in If-Match with a change.",
    "schema": {"type": "string"},
}
RETRY_AFTER = {
    "description": "Seconds until the rate limit lets this client try again.",
    "schema": {"type": "integer", "minimum": 1},
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "description": "The ETag you read: the change is refused with 412 if it changed since. "
    "Without it (or with *), the change applies to whatever is current.",
    "schema": {"type": "string"},
}


def api_base() -> str:
    """The API's base address on this site, e.g. ``/api/v1`` or ``/ce/api/v1``."""
    return url_for(f"{API_BLUEPRINT}.openapi").removesuffix("/openapi.json")


def api_document() -> dict[str, Any]:
    """The document for the current app, built once per base address (a site may be
    reached under more than one prefix) and then served from memory."""
    documents = current_app.extensions["coursekit"].api_documents
    base = api_base()
    if base not in documents:
        documents[base] = build_document()
    return documents[base]


def api_document_body() -> bytes:
    """The document as ``openapi.json`` serves it, serialised once per base address (a
    few milliseconds each time otherwise, for a document that changes only with the
    code)."""
    bodies = current_app.extensions["coursekit"].api_document_bodies
    base = api_base()
    if base not in bodies:
        bodies[base] = current_app.json.dumps(api_document()).encode()
    return bodies[base]


def build_document() -> dict[str, Any]:
    """The document for the current app (needs a request or app context with a URL)."""
    base = api_base()
    spec = APISpec(
        title=f"{current_app.config['COURSEKIT_SITE_NAME']} API",
        version=API_VERSION,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION},
        servers=[{"url": base}],
    )
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token."}
    )
    spec.components.security_scheme(
        "session",
        {
            "type": "apiKey",
            "in": "cookie",
            "name": current_app.config["SESSION_COOKIE_NAME"],
            "description": "The signed-in browser session; writes also need X-CSRFToken.",
        },
    )
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda rule: rule.rule):
        declaration = declaration_of(current_app.view_functions[rule.endpoint])
        if not rule.endpoint.startswith(f"{API_BLUEPRINT}.") or declaration is None:
            continue
        method = next(m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m in rule.methods)
        spec.path(
            path=_ARGUMENT.sub(r"{\1}", rule.rule).removeprefix(base),
            operations={method.lower(): _operation(rule, method, declaration)},
            parameters=_path_parameters(rule),
        )
    return spec.to_dict()


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    parameters = []
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer", "minimum": 0}
        elif isinstance(converter, AnyConverter):
            schema["enum"] = sorted(converter.items)
        parameters.append({"in": "path", "name": name, "required": True, "schema": schema})
    return parameters


def _operation(rule: Rule, method: str, declaration: Declaration) -> dict[str, Any]:
    policy = policy_of(rule.endpoint)
    public = policy == "public"
    operation: dict[str, Any] = {
        "operationId": rule.endpoint.removeprefix(f"{API_BLUEPRINT}."),
        "summary": declaration.summary,
        "tags": [declaration.tag],
        "responses": {str(declaration.status): _success(declaration)},
    }
    if declaration.description:
        operation["description"] = declaration.description
    if public:
        operation["security"] = []
    else:
        scope = required_scope(policy, method) if policy is not None else "admin"
        operation["security"] = [{"bearerAuth": [str(scope)]}, {"session": []}]
    parameters: list[dict[str, Any]] = []
    if declaration.query is not None:
        parameters.append({"in": "query", "schema": declaration.query})
    if declaration.etag is not None and method != "GET":
        parameters.append(IF_MATCH)
    if parameters:
        operation["parameters"] = parameters
    if declaration.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": declaration.body}},
        }
    if declaration.upload is not None:
        operation["requestBody"] = _upload_body(declaration.upload)
    for status in _error_statuses(rule, declaration, public):
        operation["responses"][str(status)] = {
            "description": STANDARD[status][1],
            "content": {"application/json": {"schema": "Error"}},
        }
    operation["responses"]["429"]["headers"] = {"Retry-After": RETRY_AFTER}
    return operation


def _upload_body(upload: Upload) -> dict[str, Any]:
    """A file as the whole body, or as one part of a multipart/form-data body. OpenAPI
    3.1 writes a file as a string whose content is of a media type."""
    body: dict[str, Any] = {"required": True, "description": upload.description}
    if upload.field is None:
        body["content"] = {media_type: {} for media_type in upload.media_types}
        return body
    part = {"type": "string", "contentMediaType": "application/octet-stream"}
    body["content"] = {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {upload.field: part},
                "required": [upload.field],
            },
            "encoding": {upload.field: {"contentType": ", ".join(upload.media_types)}},
        }
    }
    return body


def _success(declaration: Declaration) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": declaration.summary}
    if declaration.etag is not None:
        answer["headers"] = {"ETag": ETAG}
    if declaration.produces:
        answer["content"] = {media_type: {} for media_type in declaration.produces}
    elif declaration.response is not None:
        answer["content"] = {"application/json": {"schema": declaration.response}}
    return answer


def _error_statuses(rule: Rule, declaration: Declaration, public: bool) -> list[int]:
    statuses = {429, *declaration.errors}
    if not public:
        statuses |= {401, 403}
    if rule.arguments:
        statuses |= {404, 405}  # an argument holding "/" can land on another address
    if declaration.query is not None or declaration.body is not None:
        statuses |= {400, 422}  # 400: a forged cursor, a body that is not JSON
    if declaration.etag is not None and rule.methods and "GET" not in rule.methods:
        statuses |= {400, 412}  # 400: If-Match names several tags
    if declaration.upload is not None:
        # 422: a file its rules refuse (or, in a multipart body, no file at all); 415: a
        # body sent as another media type than the file's.
        statuses |= {400, 413, 422, 415 if declaration.upload.field is None else 422}
    return sorted(statuses)
