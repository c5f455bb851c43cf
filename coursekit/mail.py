"""Outgoing mail through a pluggable sender.

A sender is any callable ``sender(app, message)`` taking an
:class:`email.message.EmailMessage`. ``COURSEKIT_MAIL_SENDER`` picks it: ``log`` (the
default, for development and for hosts that read their logs), ``smtp``, or an import
path ``package.module:callable``.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from email.message import EmailMessage

from flask import Flask, current_app
from werkzeug.utils import import_string

MailSender = Callable[[Flask, EmailMessage], None]
log = logging.getLogger("coursekit.mail")


def log_sender(app: Flask, message: EmailMessage) -> None:
    """Write the whole message to the ``coursekit.mail`` logger instead of sending it."""
    log.info("Mail to %s: %s\n\n%s", message["To"], message["Subject"], message.get_content())


def smtp_sender(app: Flask, message: EmailMessage) -> None:
    """Send through the SMTP server named by the ``COURSEKIT_SMTP_*`` settings."""
    config = app.config
    with smtplib.SMTP(
        config["COURSEKIT_SMTP_HOST"],
        config["COURSEKIT_SMTP_PORT"],
        timeout=config["COURSEKIT_SMTP_TIMEOUT"],
    ) as smtp:
        if config["COURSEKIT_SMTP_STARTTLS"]:
            smtp.starttls()
        if config["COURSEKIT_SMTP_USERNAME"]:
            smtp.login(config["COURSEKIT_SMTP_USERNAME"], config["COURSEKIT_SMTP_PASSWORD"])
        smtp.send_message(message)


BUILT_IN_SENDERS: dict[str, MailSender] = {"log": log_sender, "smtp": smtp_sender}


def resolve_sender(setting: str | MailSender) -> MailSender:
    """The sender a ``COURSEKIT_MAIL_SENDER`` value names (a callable is used as is)."""
    if callable(setting):
        return setting
    if setting in BUILT_IN_SENDERS:
        return BUILT_IN_SENDERS[setting]
    return import_string(setting.replace(":", "."))


def send_mail(to: str, subject: str, body: str) -> None:
    """Compose a plain-text message and hand it to the app's sender."""
    message = EmailMessage()
    message["From"] = current_app.config["COURSEKIT_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.extensions["coursekit"].mail_sender(app, message)
