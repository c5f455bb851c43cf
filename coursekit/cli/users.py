"""``coursekit users``: create accounts and grant roles from the command line.

There is no default administrator anywhere: the first one is created here, with a
password typed at a prompt or piped on standard input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask.cli import AppGroup

from coursekit import db
from coursekit.accounts import operations
from coursekit.accounts.host.operations import HOST_ID_MAX_LENGTH, link_existing_account
from coursekit.accounts.models import AccountStatus, Role, User
from coursekit.accounts.operations import AccountChangeRefused
from coursekit.accounts.queries import user_by_email
from coursekit.assessment.worksheets.operations import assign_module, unassign_module
from coursekit.db import utcnow
from coursekit.errors import ValidationFailed

users_group = AppGroup("users", help="Accounts and roles.")
ROLE_CHOICE = click.Choice([role.value for role in Role])


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_group.command("create")
@click.option("--email", prompt=True, help="Sign-in email.")
@click.option("--first-name", prompt="Legal first name")
@click.option("--last-name", prompt="Legal last name")
@click.option("--nccaom-id", default=None, help="NCCAOM ID, if the person has one.")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE, help="Extra role (repeatable).")
def create_command(
    email: str, first_name: str, last_name: str, nccaom_id: str | None, roles: tuple[str, ...]
) -> None:
    """Create an account. The password is read from a prompt, or from standard input."""
    try:
        user = operations.register_user(
            email=email,
            password=_read_password(),
            first_name=first_name,
            last_name=last_name,
            nccaom_id=nccaom_id,
            roles=[Role(role) for role in roles],
        )
    except ValidationFailed as failure:
        for field, messages in failure.errors.items():
            click.echo(f"{field}: {' '.join(messages)}", err=True)
        raise SystemExit(1) from failure
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.role_names))}.")


def _user_or_fail(email: str) -> User:
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    return user


_REASON = click.option("--reason", default="", help="Why: kept in the audit log with the change.")


def _change(email: str, change: Callable[[User], object], done: str) -> None:
    """Apply an account change with the same rules as the console; a refusal (the last
    active administrator, nothing to change) exits non-zero and changes nothing."""
    user = _user_or_fail(email)
    try:
        change(user)
    except AccountChangeRefused as refusal:
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    click.echo(done.format(email=user.email, roles=", ".join(sorted(user.role_names))))


@users_group.command("disable")
@click.argument("email")
@_REASON
def disable_command(email: str, reason: str) -> None:
    """Disable the account EMAIL: it can no longer sign in, and its sessions end."""
    _change(
        email,
        lambda user: operations.set_status(user, AccountStatus.DISABLED, reason=reason),
        "{email} is disabled. Its records are kept.",
    )


@users_group.command("enable")
@click.argument("email")
@_REASON
def enable_command(email: str, reason: str) -> None:
    """Enable the account EMAIL again."""
    _change(
        email,
        lambda user: operations.set_status(user, AccountStatus.ACTIVE, reason=reason),
        "{email} is active.",
    )


@users_group.command("grant")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@_REASON
def grant_command(email: str, role: str, reason: str) -> None:
    """Give the account EMAIL the role ROLE."""
    _change(
        email,
        lambda user: operations.grant_role(user, Role(role), reason=reason),
        "{email} now has roles {roles}.",
    )


@users_group.command("link")
@click.argument("email")
@click.argument("host_user_id")
@_REASON
def link_command(email: str, host_user_id: str, reason: str) -> None:
    """Link the account EMAIL to the host site's user HOST_USER_ID (its get_id()), for a
    site that mounts CourseKit after learners registered with CourseKit's own sign-up:
    the member then sees the account's records. docs/integration.md."""
    if not 1 <= len(host_user_id) <= HOST_ID_MAX_LENGTH:
        raise click.BadParameter(
            f"1 to {HOST_ID_MAX_LENGTH} characters.", param_hint="HOST_USER_ID"
        )
    user = _user_or_fail(email)
    try:
        link_existing_account(user, host_user_id, actor=None, reason=reason, now=utcnow())
    except AccountChangeRefused as refusal:
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    click.echo(f"{user.email} is now the CE account of host user {host_user_id!r}.")


@users_group.command("revoke")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@_REASON
def revoke_command(email: str, role: str, reason: str) -> None:
    """Take the role ROLE from the account EMAIL. The last active administrator keeps
    the admin role."""
    _change(
        email,
        lambda user: operations.revoke_role(user, Role(role), reason=reason),
        "{email} now has roles {roles}.",
    )


def _assignment_failed(failure: ValidationFailed) -> click.ClickException:
    return click.ClickException(
        " ".join(" ".join(messages) for messages in failure.errors.values())
    )


@users_group.command("assign")
@click.argument("email")
@click.argument("module_id")
def assign_command(email: str, module_id: str) -> None:
    """Assign the instructor EMAIL to the module MODULE_ID: they review its worksheets."""
    user = _user_or_fail(email)
    try:
        added = assign_module(user, module_id, actor=None, now=utcnow())
    except ValidationFailed as failure:
        raise _assignment_failed(failure) from failure
    db.session.commit()
    already = "" if added else " (already was)"
    click.echo(f"{user.email} is assigned to {module_id}{already}.")


@users_group.command("unassign")
@click.argument("email")
@click.argument("module_id")
def unassign_command(email: str, module_id: str) -> None:
    """End the assignment of EMAIL to MODULE_ID. Their past reviews are kept."""
    user = _user_or_fail(email)
    removed = unassign_module(user, module_id, actor=None, now=utcnow())
    db.session.commit()
    if removed:
        click.echo(f"{user.email} is no longer assigned to {module_id}.")
    else:
        click.echo(f"{user.email} was not assigned to {module_id}; nothing changed.")
