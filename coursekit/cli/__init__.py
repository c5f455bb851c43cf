"""The ``coursekit`` command line, also mounted as ``flask coursekit …`` in a host app."""

from __future__ import annotations

import click
from flask.cli import AppGroup, FlaskGroup

from coursekit.cli.db import db_group
from coursekit.cli.serve import serve_command
from coursekit.cli.users import users_group

coursekit_group = AppGroup("coursekit", help="CourseKit: database and accounts.")
coursekit_group.add_command(db_group)
coursekit_group.add_command(users_group)


def _create_app():
    from coursekit.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """CourseKit: CE seminars for acupuncturists.

    Start with `coursekit serve`; create the first administrator with
    `coursekit users create --role admin`.
    """


main.add_command(db_group)
main.add_command(users_group)
main.add_command(serve_command)
