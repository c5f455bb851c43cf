"""Rendering a certificate's PDF: an HTML/CSS template in Jinja's sandbox, then WeasyPrint.

The template is the built-in one (``templates/certificate.html``) or the one a module
package brings (``certificate.html``). Either way it runs in an immutable sandbox with
autoescaping, sees only the snapshot and a few prepared values, and WeasyPrint may load
nothing but ``data:`` URLs: a template cannot read a file or reach the network.
"""

from __future__ import annotations

import base64
import types
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import segno
from jinja2 import StrictUndefined, Template, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from coursekit.certificates.codes import grouped
from coursekit.certificates.provider.values import Image

DEFAULT_TEMPLATE = "certificate.html"
PAGE_SIZES = {"Letter": "letter landscape", "A4": "A4 landscape"}
_environment = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
_TEMPLATE_FILE = "<template>"
"""The file name Jinja gives a template compiled from a string (its traceback frames)."""


class CertificateTemplateError(Exception):
    """A certificate template that does not compile or render: a syntax error, an
    undefined name, something the sandbox refuses. ``line`` is the template's line (0
    when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Printable:
    """A certificate about to be printed: its snapshot and identifiers."""

    fields: dict[str, Any]
    number: str
    code: str
    issued_on: str
    verify_url: str
    expires_on: str | None = None


@cache
def default_template() -> str:
    """The built-in certificate template's source (read once per process)."""
    return resources.files(__package__).joinpath("templates", DEFAULT_TEMPLATE).read_text("utf-8")


def render_html(
    printable: Printable,
    *,
    page_size: str,
    logo: Image | None,
    signature: Image | None,
    template: str | None = None,
) -> str:
    """The certificate as HTML from ``template`` (the built-in one when None).

    Raises :class:`CertificateTemplateError` when the template does not compile or
    render, whatever the reason: a package's template is the author's code, and its
    mistakes must reach them as a message with a line, not as a server error.
    """
    compiled = compile_template(template or default_template())
    try:
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
    except Exception as error:  # whatever a template raises is the template's mistake
        raise CertificateTemplateError(_describe(error), _template_line(error)) from error


@lru_cache(maxsize=64)
def compile_template(source: str) -> Template:
    """The template compiled in the sandbox; :class:`CertificateTemplateError` if it
    does not compile. Compiled once per process and source: a published package's
    template never changes, and a bulk run issues hundreds with the same one."""
    try:
        return _environment.from_string(source)
    except TemplateSyntaxError as error:
        raise CertificateTemplateError(error.message or "syntax error", error.lineno) from error


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered page (a certificate, a transcript); only ``data:`` addresses
    are fetched, never a file or the network (a value that names one stays inert)."""
    return render_pages(html)[0]


def render_pages(html: str) -> tuple[bytes, int]:
    """The PDF of a rendered certificate page, and how many pages it came to (a preview
    warns when a design spills onto a second page)."""
    # Imported here, not at start-up: WeasyPrint loads pango and its fonts (about 30 MB
    # and a second per process, bench/README.md), which only PDFs need, and a server
    # without pango still serves every other page.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    document = HTML(string=html, url_fetcher=fetcher).render()
    return document.write_pdf(), len(document.pages)


def _describe(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, RecursionError):
        text = "the template recurses too deeply"
    return f"{type(error).__name__}: {text}" if " " not in text else text


def _template_line(error: BaseException) -> int:
    # Jinja rewrites tracebacks so that a template's frames carry its own line numbers;
    # the innermost such frame is where the template failed.
    line = 0
    trace: types.TracebackType | None = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == _TEMPLATE_FILE:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def _qr_data_uri(url: str) -> str:
    # Medium error correction survives a crease or a smudge on a printed copy.
    return segno.make_qr(url, error="m").svg_data_uri(border=0, dark="#111")


def _data_uri(image: Image | None) -> str | None:
    if image is None:
        return None
    encoded = base64.b64encode(image.content).decode("ascii")
    return f"data:{image.media_type};base64,{encoded}"
