"""The administrator's module page as JSON: every module and version, reload from disk,
retire a version, assign and unassign instructors, through the same queries and
operations as ``coursekit.admin.modules.views`` (and ``coursekit users assign``)."""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.accounts.models import User
from coursekit.admin.modules import queries
from coursekit.admin.users.queries import user_by_id
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.pagination import page_schema, paginate_search
from coursekit.api.refusals import refusals
from coursekit.api.routes import bp
from coursekit.api.schemas.admin_modules import (
    AssignmentInput,
    AssignmentSchema,
    ModuleLineSchema,
    ModulesQuery,
    ReloadInput,
    ReloadSchema,
    RetireVersionInput,
)
from coursekit.api.schemas.instructor import RetiredSchema
from coursekit.assessment.worksheets.operations import assign_module, unassign_module
from coursekit.db import utcnow
from coursekit.packages import operations
from coursekit.packages.models import ModuleVersion

TAG = "admin: modules"
REFUSED = "version_refused"


@bp.get("/admin/modules")
@access("admin")
@endpoint(
    "Every module id with its versions and instructors, optionally searched",
    tag=TAG,
    query=ModulesQuery,
    response=page_schema(ModuleLineSchema),
)
def admin_modules(query: dict[str, Any]) -> dict[str, Any]:
    def search(limit: int, offset: int) -> tuple[list[Any], int]:
        found = queries.modules_page(query["q"], limit=limit, offset=offset)
        return found.modules, found.total

    return paginate_search(search, query)


@bp.post("/admin/modules/reload")
@access("admin")
@endpoint(
    "Scan the modules folder and publish every valid new version",
    tag=TAG,
    body=ReloadInput,
    response=ReloadSchema,
    errors=(409,),
    description="409 when another reload was publishing at the same moment.",
)
def reload_modules(body: dict[str, Any]) -> operations.Reload:
    with refusals("reload_conflict", operations.VersionError):
        return operations.reload_published(
            actor=current_account(), reason=body["reason"].strip(), now=utcnow()
        )


@bp.post("/admin/modules/<module_id>/versions/<version>/retire")
@access("admin")
@endpoint(
    "Close a version to new enrolments (its enrolled learners finish it)",
    tag=TAG,
    body=RetireVersionInput,
    response=RetiredSchema,
    errors=(409,),
    description="404 for a version never published, 409 when already retired.",
)
def retire_version(module_id: str, version: str, body: dict[str, Any]) -> ModuleVersion:
    with refusals(REFUSED, operations.VersionError):
        return operations.retire_version(
            module_id, version, actor=current_account(), reason=body["reason"].strip(), now=utcnow()
        )


def _assignment(module_id: str, body: dict[str, Any], *, assign: bool) -> dict[str, Any]:
    instructor: User | None = user_by_id(body["instructor_id"])
    if instructor is None:
        fail(404, "not_found", "No account has this id.")
    operation = assign_module if assign else unassign_module
    changed = operation(
        instructor, module_id, actor=current_account(), now=utcnow(), reason=body["reason"].strip()
    )
    return {
        "module_id": module_id,
        "instructor": instructor,
        "assigned": assign,
        "changed": changed,
    }


@bp.post("/admin/modules/<module_id>/instructors")
@access("admin")
@endpoint(
    "Assign an instructor to a module (every version)",
    tag=TAG,
    body=AssignmentInput,
    response=AssignmentSchema,
    description="422 unless the account holds the instructor role and the module is published.",
)
def assign_instructor(module_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _assignment(module_id, body, assign=True)


@bp.post("/admin/modules/<module_id>/instructors/remove")
@access("admin")
@endpoint(
    "Unassign an instructor from a module",
    tag=TAG,
    body=AssignmentInput,
    response=AssignmentSchema,
)
def unassign_instructor(module_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _assignment(module_id, body, assign=False)
