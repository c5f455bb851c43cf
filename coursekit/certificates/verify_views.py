"""Public verification: anyone, without an account, checks a certificate by its code."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from coursekit.access import access
from coursekit.certificates.codes import normalise_code
from coursekit.certificates.queries import certificate_by_code

bp = Blueprint("verify", __name__)


@bp.get("/verify/<code>")
@access("public")
def certificate(code: str) -> str:
    normalised = normalise_code(code)
    found = certificate_by_code(normalised) if normalised else None
    if found is None:
        abort(404)
    return render_template("coursekit/certificates/verify.html", certificate=found)
