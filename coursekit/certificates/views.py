"""The learner's certificates: the list, and downloads of the stored files."""

from __future__ import annotations

from flask import Blueprint, render_template

from coursekit.access import access, current_account
from coursekit.certificates.queries import certificates_of

bp = Blueprint("certificates", __name__)


@bp.get("/certificates")
@access("learner")
def mine() -> str:
    return render_template(
        "coursekit/certificates/mine.html", certificates=certificates_of(current_account().id)
    )
