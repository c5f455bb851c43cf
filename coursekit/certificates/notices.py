"""Telling learners about their certificates by mail."""

from __future__ import annotations

import logging

from coursekit import db
from coursekit.accounts.models import User
from coursekit.certificates.models import Certificate
from coursekit.certificates.urls import public_url, verification_url
from coursekit.mail import send_mail

log = logging.getLogger("coursekit.certificates")


def send_issued(learner: User, certificate: Certificate) -> None:
    """Mail the learner that a certificate was issued, with where to get and check it.

    Sent once the issue is committed, never for one rolled back (its number would be
    given to the next certificate). Best effort: the certificate is issued and listed on
    the learner's page whether or not the mail server takes the message, so a refusal is
    logged, not raised.
    """
    module = certificate.fields["module"]
    email, number = learner.email, certificate.number
    subject, body = f"Your certificate for {module['title']}", _body(learner, certificate, module)

    def send() -> None:
        try:
            send_mail(email, subject, body)
        except Exception:
            log.exception("Could not mail %s about certificate %s", email, number)

    db.after_commit(send)


def _body(learner: User, certificate: Certificate, module: dict) -> str:
    return (
        f"Hello {learner.first_name},\n\n"
        f'Your certificate {certificate.number} for "{module["title"]}" '
        f"(version {module['version']}) has been issued.\n\n"
        f"Download it: {public_url('coursekit.certificates.mine')}\n"
        f"Anyone can check it at: {verification_url(certificate.code)}\n\n"
        "Keep it for at least four years: licensing boards may ask for it in an audit.\n"
    )
