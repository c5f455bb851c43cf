"""The ``coursekit`` command line, also mounted as ``flask coursekit …`` in a host app."""

from __future__ import annotations

import click
from flask.cli import AppGroup, FlaskGroup

from coursekit.cli.attempts import attempts_group
from coursekit.cli.certificates import certificates_group
from coursekit.cli.db import db_group
from coursekit.cli.modules import modules_group, pack_command, unpack_command, validate_command
from coursekit.cli.questions import gift2yaml_command, hotspots_command, questions_command
from coursekit.cli.reports import reports_group
from coursekit.cli.serve import serve_command
from coursekit.cli.users import users_group
from coursekit.cli.webhooks import webhooks_group
from coursekit.cli.xapi import xapi_group

COMMANDS = (
    db_group,
    users_group,
    modules_group,
    attempts_group,
    certificates_group,
    reports_group,
    xapi_group,
    webhooks_group,
    validate_command,
    pack_command,
    unpack_command,
    questions_command,
    gift2yaml_command,
    hotspots_command,
)

coursekit_group = AppGroup("coursekit", help="CourseKit: database, accounts and modules.")
for command in COMMANDS:
    coursekit_group.add_command(command)


def _create_app():
    from coursekit.app import create_app

    # Commands never publish as a side effect: `serve` and `modules reload` do it
    # on purpose, and `validate` must not change anything.
    return create_app({"COURSEKIT_PUBLISH_ON_START": False})


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """CourseKit: CE seminars for acupuncturists.

    Start with `coursekit serve`; create the first administrator with
    `coursekit users create --role admin`.
    """


for command in (*COMMANDS, serve_command):
    main.add_command(command)
