"""The certificate template a module package brings, if any."""

from __future__ import annotations

from coursekit.packages.values import ModulePackage

PACKAGE_TEMPLATE = "certificate.html"
"""The file name of a package's own certificate template, beside ``module.yaml``."""


def package_template(package: ModulePackage) -> str | None:
    """The package's template source, or None to use the built-in one."""
    content = package.files.get(PACKAGE_TEMPLATE)
    return content.decode("utf-8") if content is not None else None
