"""The OpenAPI document and the human-readable API page made from it (both public)."""

from __future__ import annotations

from flask import current_app, render_template
from werkzeug.wrappers import Response

from coursekit.access import access
from coursekit.api.openapi import api_document, api_document_body
from coursekit.api.routes import bp


@bp.get("/openapi.json")
@access("public")
def openapi() -> Response:
    return current_app.response_class(api_document_body(), mimetype="application/json")


@bp.get("/docs")
@access("public")
def docs() -> str:
    document = api_document()
    return render_template(
        "coursekit/api/docs.html",
        document=document,
        schemas=document["components"]["schemas"],
        by_tag=operations_by_tag(document),
    )


def operations_by_tag(document: dict) -> dict[str, list[tuple[str, str, dict]]]:
    """``tag -> [(METHOD, path, operation)]`` in path order, for the page's sections."""
    groups: dict[str, list[tuple[str, str, dict]]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            operation = {
                **operation,
                "parameters": item.get("parameters", []) + operation.get("parameters", []),
            }
            groups.setdefault(operation["tags"][0], []).append((method.upper(), path, operation))
    return groups
