"""``coursekit serve``: run the platform locally (a development server)."""

from __future__ import annotations

import click
from flask.cli import ScriptInfo, pass_script_info
from werkzeug.serving import run_simple

from coursekit.packages.publishing import publish_packages

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_script_info
def serve_command(info: ScriptInfo, host: str, port: int) -> None:
    """Start CourseKit on HOST:PORT with its database ready.

    For production, run `gunicorn wsgi:app` behind a reverse proxy (docs/deployment.md).
    """
    app = info.load_app()
    publish_packages(app)
    click.echo(f"CourseKit is ready: open http://{host}:{port}/ in your browser.")
    click.echo("Create the first administrator with: coursekit users create --role admin")
    # A local server speaks plain HTTP, where Secure cookies would not come back;
    # anywhere else, a TLS-terminating proxy belongs in front (docs/deployment.md).
    if app.config["COURSEKIT_SECURE_COOKIES"] is None and host in LOOPBACK_HOSTS:
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    # Flask's app.run() refuses to start under its own CLI; Werkzeug's server is the same.
    run_simple(host, port, app, threaded=True)
