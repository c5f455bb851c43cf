"""Your certificates, and the public verification lookup: the certificate pages'
queries, as JSON."""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.pagination import page_schema, paginate
from coursekit.api.routes import bp
from coursekit.api.schemas.certificates import (
    CertificatesQuery,
    MyCertificateSchema,
    VerificationSchema,
)
from coursekit.certificates.codes import normalise_code
from coursekit.certificates.listing import listed
from coursekit.certificates.queries import certificates_of
from coursekit.certificates.urls import verification_url
from coursekit.certificates.verification import as_json, verify
from coursekit.certificates.verify_views import NOT_FOUND_MESSAGE
from coursekit.db import utcnow
from coursekit.ratelimit import hit


@bp.get("/certificates")
@access("learner")
@endpoint(
    "Your certificates, newest first, with their standing and PDF",
    tag="certificates",
    query=CertificatesQuery,
    response=page_schema(MyCertificateSchema),
)
def certificates(query: dict[str, Any]) -> dict[str, Any]:
    shown = listed(certificates_of(current_account().id), utcnow())
    return paginate(shown, lambda item: item.number, query)


@bp.get("/verify/<code>")
@access("public")
@endpoint(
    "Verify a certificate by its code (no account needed)",
    tag="certificates",
    response=VerificationSchema,
    errors=(404,),
    description="Codes may be typed any way (case, spaces, dashes). Every miss answers the "
    "same 404. Counted against COURSEKIT_VERIFY_LIMIT with the verification pages.",
)
def verification(code: str) -> dict[str, Any]:
    hit("COURSEKIT_VERIFY_LIMIT", shared="verify")
    # A malformed code runs the same lookup as an unknown one, as on the page.
    found = verify(normalise_code(code) or "", now=utcnow())
    if found is None:
        fail(404, "not_found", NOT_FOUND_MESSAGE)
    return as_json(found, url_of=verification_url)
