"""Public verification: anyone, without an account, checks a certificate by its code.

Every miss — unknown, guessed, truncated or malformed — gets the same "not found" page
(or JSON error) with 404, after the same single query, so the answer says nothing about
which codes exist. A well-formed code typed another way (lower case, dashes, O for 0)
is redirected to its canonical address before anything is looked up. Each request is
counted against ``COURSEKIT_VERIFY_LIMIT`` per client address.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response
from wtforms import Form, StringField

from coursekit.access import access
from coursekit.certificates.codes import CODE_LENGTH, normalise_code
from coursekit.certificates.urls import verification_url
from coursekit.certificates.verification import Verification, as_json, verify
from coursekit.db import utcnow
from coursekit.ratelimit import hit
from coursekit.web import Page

bp = Blueprint("verify", __name__)

NOT_FOUND_MESSAGE = (
    "No certificate has this code. Check the code against the certificate: it has "
    f"{CODE_LENGTH} letters and digits, printed in groups of four under the QR code."
)
# Status can change at any moment (a revocation), the code in the address is as good as
# the certificate itself, and search engines have no business listing learners.
HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}


class LookupForm(Form):
    """The code as a stranger types it from a paper certificate (a GET form: it changes
    nothing, so it carries no CSRF token)."""

    code = StringField(
        "Verification code",
        description=(
            f"The {CODE_LENGTH} letters and digits printed under the QR code. Upper or lower "
            "case, spaces and dashes are all fine."
        ),
    )


@bp.after_request
def add_headers(response: Response) -> Response:
    """Set the verification headers on every answer, redirects and errors included."""
    response.headers.update(HEADERS)
    return response


@bp.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> Page:
    """The rate limit's answer: a JSON error for the JSON address, a page otherwise."""
    message = (
        "Too many certificate lookups from your address. Wait a minute and try again; "
        "the limit keeps codes from being guessed."
    )
    if request.endpoint == "coursekit.verify.certificate_json":
        return _json_error("rate_limited", message, 429)
    return render_template("coursekit/certificates/verify_limited.html", message=message), 429


@bp.get("/verify")
@access("public")
def lookup() -> Page:
    form = LookupForm(request.args)
    if "code" not in request.args:
        return render_template("coursekit/certificates/verify_lookup.html", form=form)
    hit("COURSEKIT_VERIFY_LIMIT", shared="verify")
    typed = (form.code.data or "").strip()
    code = normalise_code(typed)
    if code is not None:
        # Unknown codes land on the page's own "not found": one answer for every miss.
        return redirect(url_for("coursekit.verify.certificate", code=code), 303)
    form.code.errors = [
        "Enter the verification code printed on the certificate."
        if not typed
        else (
            f"This is not a verification code: a code has {CODE_LENGTH} letters and digits "
            "(spaces and dashes are ignored). Check it against the certificate."
        )
    ]
    return render_template("coursekit/certificates/verify_lookup.html", form=form), 400


@bp.get("/verify/<code>")
@access("public")
def certificate(code: str) -> Page:
    hit("COURSEKIT_VERIFY_LIMIT", shared="verify")
    found, canonical = _find(code)
    if canonical is not None:
        return redirect(url_for("coursekit.verify.certificate", code=canonical), 301)
    if found is None:
        page = render_template("coursekit/certificates/verify_not_found.html", form=LookupForm())
        return page, 404
    return render_template(
        "coursekit/certificates/verify.html",
        verification=found,
        fields=found.fields,
        certificate=found.certificate,
        verify_url=verification_url(found.certificate.code),
    )


@bp.get("/verify/<code>.json")
@access("public")
def certificate_json(code: str) -> Page:
    hit("COURSEKIT_VERIFY_LIMIT", shared="verify")
    found, canonical = _find(code)
    if canonical is not None:
        return redirect(url_for("coursekit.verify.certificate_json", code=canonical), 301)
    if found is None:
        return _json_error("not_found", NOT_FOUND_MESSAGE, 404)
    return jsonify(as_json(found, url_of=verification_url))


def _find(typed: str) -> tuple[Verification | None, str | None]:
    """The verification for a code from the address, or the canonical code to redirect
    to when the address spells a well-formed code another way."""
    code = normalise_code(typed)
    if code is not None and code != typed:
        return None, code
    # A malformed code runs the same lookup as an unknown one (for a code no certificate
    # can have), so the two misses cannot be told apart by timing either.
    return verify(code or "", now=utcnow()), None


def _json_error(code: str, message: str, status: int) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status
