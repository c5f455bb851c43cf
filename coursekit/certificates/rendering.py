"""Rendering a certificate's PDF: an HTML/CSS template in Jinja's sandbox, then WeasyPrint.

The template is the built-in one (``templates/certificate.html``) or the one a module
package brings (``certificate.html``). Either way it runs in an immutable sandbox with
autoescaping, sees only the snapshot and a few prepared values, and WeasyPrint may load
nothing but ``data:`` URLs: a template cannot read a file or reach the network.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from importlib import resources
from typing import Any

import segno
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from coursekit.certificates.codes import grouped
from coursekit.certificates.provider.values import Image

DEFAULT_TEMPLATE = "certificate.html"
PAGE_SIZES = {"Letter": "letter landscape", "A4": "A4 landscape"}
_environment = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class Printable:
    """A certificate about to be printed: its snapshot and identifiers."""

    fields: dict[str, Any]
    number: str
    code: str
    issued_on: str
    verify_url: str
    expires_on: str | None = None


def default_template() -> str:
    """The built-in certificate template's source."""
    return resources.files(__package__).joinpath("templates", DEFAULT_TEMPLATE).read_text("utf-8")


def render_html(
    printable: Printable,
    *,
    page_size: str,
    logo: Image | None,
    signature: Image | None,
    template: str | None = None,
) -> str:
    """The certificate as HTML from ``template`` (the built-in one when None)."""
    compiled = _environment.from_string(template or default_template())
    return compiled.render(
        certificate=printable.fields,
        number=printable.number,
        code=grouped(printable.code),
        issued_on=printable.issued_on,
        expires_on=printable.expires_on,
        verify_url=printable.verify_url,
        qr_code=_qr_data_uri(printable.verify_url),
        logo=_data_uri(logo),
        signature=_data_uri(signature),
        page_size=PAGE_SIZES[page_size],
    )


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered certificate page."""
    # Imported here, not at start-up: WeasyPrint loads pango and its fonts, which only
    # issuing and previews need (see the transcript's PDF).
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def _qr_data_uri(url: str) -> str:
    # Medium error correction survives a crease or a smudge on a printed copy.
    return segno.make_qr(url, error="m").svg_data_uri(border=0, dark="#111")


def _data_uri(image: Image | None) -> str | None:
    if image is None:
        return None
    encoded = base64.b64encode(image.content).decode("ascii")
    return f"data:{image.media_type};base64,{encoded}"
