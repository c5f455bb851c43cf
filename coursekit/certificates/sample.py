"""A sample certificate: a made-up learner who completed a module, for previews and checks.

``coursekit certificates sample`` renders it so instructors and administrators see a
design before anyone earns it, and the package loader renders a package's own
``certificate.html`` with it to find the template's mistakes before it is published.
The sample goes through the same :func:`~coursekit.certificates.snapshot.snapshot` as a
real certificate (with objects that are never added to a session), so it carries every
key a real one has. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from flask import current_app

from coursekit.accounts.models import StateLicence, User
from coursekit.catalog.models import Enrolment
from coursekit.certificates.codes import CODE_LENGTH
from coursekit.certificates.provider.queries import current_provider
from coursekit.certificates.provider.values import Provider
from coursekit.certificates.rendering import (
    CertificateTemplateError,
    Printable,
    render_html,
    render_pages,
)
from coursekit.certificates.snapshot import snapshot
from coursekit.certificates.templates_of import package_template
from coursekit.packages.queries import all_versions, current_versions, package_for
from coursekit.packages.values import ModulePackage
from coursekit.progress.models import Completion

SAMPLE_CODE = "SAMP" + "0" * (CODE_LENGTH - 4)
"""Printed as ``SAMP-0000-…``: plainly not a real code (every letter is in the alphabet)."""
SAMPLE_VERIFY_URL = f"https://example.invalid/verify/{SAMPLE_CODE}"
"""``.invalid`` never resolves (RFC 2606), so a printed sample leads nowhere."""
SAMPLE_SERIAL = 0
"""Real serials start at 1 (a check constraint), so ``…-000000`` is never a real number."""
SAMPLE_ENROLLED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SAMPLE_COMPLETED_AT = datetime(2026, 3, 16, 17, 45, tzinfo=UTC)
SAMPLE_SCORE = 92.5

SAMPLE_PROVIDER = Provider(
    name="Sample Provider of Acupuncture Education",
    address="1 Example Street, Springfield, OR 97477",
    contact="ce@provider.example · +1 555 0100",
    website="https://provider.example",
    nccaom_provider_number="000",
    nccaom_approved_from=date(2026, 1, 1),
    nccaom_approved_until=date(2027, 12, 31),
    state_numbers=(("CA", "CEP-0000"), ("FL", "50-0000")),
    signatory_name="Dr. Sample Signatory",
    signatory_title="Director of Education",
)
"""Provider details with every field set, for checking templates before settings exist."""


def sample_learner() -> User:
    """A learner whose name needs more than ASCII, with an NCCAOM ID and two licences."""
    learner = User(first_name="Zoë Nguyễn", last_name="Łukasz-Ørsted", nccaom_id="123456")
    learner.licences = [
        StateLicence(state="CA", number="AC 12345"),
        StateLicence(state="TX", number="AC01234"),
    ]
    return learner


def sample_printable(
    package: ModulePackage,
    provider: Provider,
    *,
    number_prefix: str = "CK",
    score: float | None = SAMPLE_SCORE,
    expires: bool = False,
) -> Printable:
    """What the sample learner's certificate for ``package`` prints, with ``provider``'s
    details. ``score=None`` and ``expires`` let a check try the optional fields both ways."""
    fields = snapshot(
        learner=sample_learner(),
        enrolment=Enrolment(enrolled_at=SAMPLE_ENROLLED_AT),
        completion=Completion(completed_at=SAMPLE_COMPLETED_AT),
        package=package,
        provider=provider,
        score=score,
    )
    year = SAMPLE_COMPLETED_AT.year
    return Printable(
        fields=fields,
        number=f"{number_prefix}-{year}-{SAMPLE_SERIAL:06d}",
        code=SAMPLE_CODE,
        issued_on=SAMPLE_COMPLETED_AT.date().isoformat(),
        verify_url=SAMPLE_VERIFY_URL,
        expires_on=f"{year + 2}-03-16" if expires else None,
    )


def sparse_provider() -> Provider:
    """The sample provider with every optional field empty: a template must cope with
    both (a ``None`` date, no website, no state numbers)."""
    return replace(
        SAMPLE_PROVIDER,
        website="",
        nccaom_provider_number="",
        nccaom_approved_from=None,
        nccaom_approved_until=None,
        state_numbers=(),
        signatory_title="",
    )


class SampleError(Exception):
    """The sample cannot be rendered: an unknown module or version, a broken template."""


@dataclass(frozen=True)
class SampleCertificate:
    """A rendered sample: the PDF, its page count, and what the provider settings still
    lack (a real certificate could not be issued until they are filled in)."""

    pdf: bytes
    pages: int
    missing: list[str]


def render_sample(
    module_id: str, *, version: str | None = None, page_size: str | None = None
) -> SampleCertificate:
    """The sample certificate of a module version, with the provider settings in force
    and the package's own template if it has one. The version is a published one (the
    newest unless ``version`` names another, retired ones included); a module never
    published is read from the packages on disk, so an author can preview a design
    before publishing it. Reads, never writes."""
    package = _published_package(module_id, version) or _package_on_disk(module_id, version)
    provider = current_provider()
    printable = sample_printable(
        package, provider, number_prefix=current_app.config["COURSEKIT_CERTIFICATE_PREFIX"]
    )
    try:
        html = render_html(
            printable,
            page_size=page_size or provider.page_size,
            logo=provider.logo,
            signature=provider.signature,
            template=package_template(package),
        )
    except CertificateTemplateError as error:
        raise SampleError(f"The certificate template of {module_id!r} fails: {error}") from None
    pdf, pages = render_pages(html)
    return SampleCertificate(pdf, pages, provider.missing_for_issuing())


def _published_package(module_id: str, version: str | None) -> ModulePackage | None:
    versions = [item for item in all_versions() if item.module_id == module_id]
    if not versions:
        return None
    if version is None:
        chosen = current_versions(versions).get(module_id)
        if chosen is None:
            raise SampleError(
                f"Every version of {module_id!r} is retired; name one with --version."
            )
    else:
        chosen = next((item for item in versions if item.version == version), None)
        if chosen is None:
            known = ", ".join(sorted(item.version for item in versions))
            raise SampleError(f"{module_id!r} has no version {version!r} (it has {known}).")
    return package_for(chosen)


def _package_on_disk(module_id: str, version: str | None) -> ModulePackage:
    report = current_app.extensions["coursekit"].library.scan()
    for loaded in report.loaded:
        package = loaded.package
        if package.id == module_id and version in (None, package.version):
            return package
    raise SampleError(
        f"No module {module_id!r} has been published or is valid on disk "
        "(`coursekit validate` lists the problems of the packages it finds)."
    )
