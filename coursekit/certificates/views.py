"""The learner's certificates: the list, and downloads of the stored files.

A download serves the PDF exactly as it was stored at issue (its hash is the one the
verification page shows), and only to its owner and to administrators. Anyone else gets
404, as for a number that does not exist, so trying numbers tells nobody which exist.
"""

from __future__ import annotations

import hashlib
import logging

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import undefer
from werkzeug.wrappers import Response

from coursekit import db
from coursekit.access import access, current_account
from coursekit.accounts.models import Role
from coursekit.certificates.listing import listed
from coursekit.certificates.models import Certificate, CertificateFile
from coursekit.certificates.queries import certificates_of
from coursekit.db import utcnow

bp = Blueprint("certificates", __name__)
log = logging.getLogger("coursekit.certificates")


@bp.get("/certificates")
@access("learner")
def mine() -> str:
    """Every certificate issued to the signed-in learner, newest first, with its standing."""
    certificates = certificates_of(current_account().id)
    return render_template(
        "coursekit/certificates/mine.html", certificates=listed(certificates, utcnow())
    )


@bp.get("/certificates/<number>.pdf")
@access("learner")
def download_pdf(number: str) -> Response:
    """The stored PDF of certificate ``number``, for its owner or an administrator."""
    account = current_account()
    row = db.session.execute(
        select(Certificate.user_id, CertificateFile)
        .join(CertificateFile, CertificateFile.certificate_id == Certificate.id)
        .where(Certificate.number == number)
        .options(undefer(CertificateFile.content))
    ).first()
    if row is None or (row.user_id != account.id and not account.has_role(Role.ADMIN)):
        abort(404)
    stored: CertificateFile = row.CertificateFile
    if hashlib.sha256(stored.content).hexdigest() != stored.sha256:
        # The bytes are not the ones issued (the verification page shows their hash):
        # serving them would hand out a document nobody can check. Say so, loudly.
        log.error("Certificate %s: the stored PDF does not match its hash", number)
        abort(500)
    response = Response(stored.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{number}.pdf"'
    # A learner's record: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "private, no-store"
    response.set_etag(stored.sha256)
    return response.make_conditional(request)
