"""Public addresses printed on certificates and credentials.

They must be right outside a request too (bulk issue from the command line), so they are
built from ``COURSEKIT_PUBLIC_URL`` when it is set, and from the request otherwise.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


class PublicUrlMissing(RuntimeError):
    """Raised outside a request when ``COURSEKIT_PUBLIC_URL`` is not set."""


def public_url(endpoint: str, **values: object) -> str:
    """The absolute public URL of a coursekit endpoint."""
    base = current_app.config["COURSEKIT_PUBLIC_URL"]
    if base:
        parts = urlsplit(base.rstrip("/"))
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
        )
        return adapter.build(endpoint, values, force_external=True)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    raise PublicUrlMissing(
        "Set COURSEKIT_PUBLIC_URL (e.g. https://ce.example.org) so certificates issued "
        "from the command line print the right verification address."
    )


def verification_url(code: str) -> str:
    """Where anyone can check the certificate with ``code``."""
    return public_url("coursekit.verify.certificate", code=code)
