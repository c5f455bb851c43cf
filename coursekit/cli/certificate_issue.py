"""``coursekit certificates issue``: issue the certificates a module's completions wait for.

It commits after each certificate (see :mod:`coursekit.certificates.bulk`): stopping it
half-way loses nothing, and running it again carries on with those still waiting.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from coursekit import db
from coursekit.certificates.bulk import eligible_completion_ids, issue_each, module_versions
from coursekit.certificates.codes import new_code
from coursekit.certificates.urls import PublicUrlMissing, verification_url

CLI_REASON = "issued with `coursekit certificates issue`"


@click.command("issue")
@click.option("--module", "module_id", required=True, help="The module's id.")
@click.option("--version", default=None, help="Only this version (default: every version).")
@click.option("--yes", is_flag=True, help="Issue without asking first.")
@with_appcontext
def issue_command(module_id: str, version: str | None, yes: bool) -> None:
    """Issue a certificate for every completion of a module that has none yet.

    Certificates are issued by the platform (no administrator is named in the audit
    log); each learner is notified by email. Needs COURSEKIT_PUBLIC_URL, which the
    certificates' verification links are made of.
    """
    try:
        verification_url(new_code())
    except PublicUrlMissing as missing:
        raise click.ClickException(str(missing)) from None
    versions = module_versions(module_id, version)
    if not versions:
        what = f"version {version} of module {module_id!r}" if version else repr(module_id)
        raise click.ClickException(f"no published {what}")
    waiting = eligible_completion_ids(version.id for version in versions)
    # Close the read transaction: on SQLite it must not sit open while asking.
    db.session.rollback()
    names = ", ".join(version.version for version in versions)
    click.echo(f"{len(waiting)} completions of {module_id} ({names}) wait for a certificate.")
    if not waiting:
        return
    if not yes:
        click.confirm("Issue their certificates now?", abort=True)
    with click.progressbar(length=len(waiting), label="Issuing certificates") as bar:
        result = issue_each(
            waiting, actor=None, reason=CLI_REASON, after_each=lambda: bar.update(1)
        )
    for message in result.failed:
        click.echo(f"failed: {message}", err=True)
    click.echo(f"{len(result.issued)} issued, {len(result.failed)} failed.")
    if result.failed:
        raise SystemExit(1)
