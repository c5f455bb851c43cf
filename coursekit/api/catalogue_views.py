"""The catalogue and module detail (public): the catalogue pages' queries, as JSON."""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.pagination import page_schema, paginate
from coursekit.api.routes import bp
from coursekit.api.schemas.catalogue import CatalogueQuery, ModuleDetailSchema, ModuleSummarySchema
from coursekit.attestation.queries import current_attestation
from coursekit.catalog import queries
from coursekit.packages.queries import current_versions


@bp.get("/modules")
@access("public")
@endpoint(
    "The modules on offer, foundations first",
    tag="catalogue",
    query=CatalogueQuery,
    response=page_schema(ModuleSummarySchema),
)
def catalogue(query: dict[str, Any]) -> dict[str, Any]:
    filters = queries.Filters(
        text=query["q"].strip()[:200],
        region=query["region"],
        muscle=query["muscle"],
        pain_pattern=query["pain"],
        board=query["board"],
    )
    entries, _facets = queries.catalogue(current_account(), filters)
    return paginate(entries, lambda entry: entry.package.id, query)


@bp.get("/modules/<module_id>")
@access("public")
@endpoint(
    "One module: your enrolled version, else the current one",
    tag="catalogue",
    response=ModuleDetailSchema,
    errors=(404,),
)
def module(module_id: str) -> dict[str, Any]:
    account = current_account()
    current = current_versions()
    entry = queries.module_entry(account, module_id, current)
    if entry is None:
        fail(404, "not_found", "No module has this id.")
    newest = current.get(module_id)
    package = entry.package
    return {
        "package": package,
        "worksheet_required": package.completion.worksheet != "none",
        "enrolment_id": entry.enrolment.id if entry.enrolment else None,
        "newer_version": newest.version if newest and newest.id != entry.version.id else None,
        # As on the page: only a signed-in learner who may enrol costs the query.
        "attestation": current_attestation() if account and not entry.enrolment else None,
    }
