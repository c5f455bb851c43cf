"""The certificate template a module package brings, if any."""

from __future__ import annotations

from coursekit.packages.certificate_template import CERTIFICATE_TEMPLATE
from coursekit.packages.values import ModulePackage


def package_template(package: ModulePackage) -> str | None:
    """The package's template source (``certificate.html`` beside ``module.yaml``, checked
    by the loader), or None to use the built-in one."""
    content = package.files.get(CERTIFICATE_TEMPLATE)
    return content.decode("utf-8") if content is not None else None
