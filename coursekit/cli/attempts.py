"""``coursekit attempts``: regrade post-test attempts after an answer key is corrected;
give a learner extra time on a post-test."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.queries import user_by_email
from coursekit.assessment.attempts.operations import regrade_version
from coursekit.assessment.attempts.queries import AttemptRefused
from coursekit.assessment.timing.operations import ExtraTimeRefused, grant_extra_time
from coursekit.db import utcnow
from coursekit.packages.models import ModuleVersion

attempts_group = AppGroup("attempts", help="Post-test attempts.")


def _version(module_id: str, version: str) -> ModuleVersion:
    found = db.session.scalar(
        select(ModuleVersion).where(
            ModuleVersion.module_id == module_id, ModuleVersion.version == version
        )
    )
    if found is None:
        raise click.ClickException(f"no published version {version} of module {module_id!r}")
    return found


@attempts_group.command("regrade")
@click.argument("module_id")
@click.option("--version", "version", required=True, help="The version the attempts were taken in.")
@click.option("--key-version", required=True, help="The version whose corrected key to use.")
@click.option("--reason", required=True, help="Why, for the record (kept with each grade).")
@click.option("--yes", is_flag=True, help="Record the new grades (without it: a dry run).")
def regrade_command(module_id: str, version: str, key_version: str, reason: str, yes: bool) -> None:
    """Grade every closed attempt of a version again with a corrected answer key.

    Each attempt gets a new grade revision; earlier grades are kept. Certificates already
    issued are not changed here.
    """
    taken, key = _version(module_id, version), _version(module_id, key_version)
    try:
        changes = regrade_version(taken, key, reason=reason)
    except AttemptRefused as exc:
        raise click.ClickException(exc.message) from exc
    flipped = 0
    for before, after in changes:
        old = f"{before.percent:g} % {'pass' if before.passed else 'fail'}" if before else "none"
        new = f"{after.percent:g} % {'pass' if after.passed else 'fail'}"
        flipped += bool(before and before.passed != after.passed)
        click.echo(f"attempt {after.attempt_id}: {old} -> {new}")
    click.echo(f"{len(changes)} attempts regraded; {flipped} changed between pass and fail.")
    if yes:
        db.session.commit()
    else:
        db.session.rollback()
        click.echo("Dry run: nothing was recorded. Add --yes to record the new grades.")


@attempts_group.command("extend")
@click.argument("email")
@click.argument("module_id")
@click.option("--minutes", type=int, required=True, help="Extra minutes (0 withdraws them).")
@click.option("--reason", required=True, help="Why, for the record (e.g. an accommodation).")
def extend_command(email: str, module_id: str, minutes: int, reason: str) -> None:
    """Give a learner extra minutes on a module's post-test time limit.

    The newest grant is in force. It applies to every attempt started from now on and
    extends an attempt under way whose time has not run out.
    """
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with email {email!r}")
    try:
        allowance = grant_extra_time(
            user, module_id, minutes, actor=None, reason=reason, now=utcnow()
        )
    except ExtraTimeRefused as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"{user.email} now has {allowance.extra_minutes} extra minutes on {module_id}.")
