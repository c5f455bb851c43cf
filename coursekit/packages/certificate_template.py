"""Checking the certificate template a module package may bring (``certificate.html``).

The template is compiled in the certificates' sandbox and rendered twice with the sample
certificate of the package itself: once with every optional field set (a score, an
expiry date, every provider number) and once with them empty, so a template that only
works with one of the two is caught before a learner's certificate depends on it. Each
mistake becomes a problem at the template's file and line, like any other in a package.
"""

from __future__ import annotations

from coursekit.packages.problems import Problem
from coursekit.packages.values import ModulePackage

CERTIFICATE_TEMPLATE = "certificate.html"
"""The file name of a package's own certificate template, beside ``module.yaml``."""


def template_problems(data: bytes, path: str, package: ModulePackage) -> list[Problem]:
    """What is wrong with the package's certificate template ``data`` (named ``path`` in
    problems); an empty list when it renders."""
    # Imported here: the certificates read packages (the snapshot reads a package's
    # credits), so importing them while the package modules load would be circular.
    from coursekit.certificates.rendering import CertificateTemplateError, render_html
    from coursekit.certificates.sample import SAMPLE_PROVIDER, sample_printable, sparse_provider

    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        return [Problem(path, 1, 1, "the file is not UTF-8 text")]
    trials = (
        ("with every optional field set", sample_printable(package, SAMPLE_PROVIDER, expires=True)),
        (
            "with the optional fields empty",
            sample_printable(package, sparse_provider(), score=None),
        ),
    )
    for label, printable in trials:
        try:
            render_html(printable, page_size="Letter", logo=None, signature=None, template=source)
        except CertificateTemplateError as error:
            line = max(error.line, 1)
            where = "" if error.line else " (line unknown)"
            message = f"certificate template: {error.message}{where}"
            if label == trials[1][0]:
                message += f" ({label})"
            return [Problem(path, line, 1, message)]
    return []
