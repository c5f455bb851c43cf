"""The command line: accounts without a default admin, and the console script."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from coursekit.cli import main
from tests.helpers import PASSWORD, head_revision, login


def create(app, *args: str, password: str = PASSWORD):
    return app.test_cli_runner().invoke(
        args=["coursekit", "users", "create", *args], input=password + "\n"
    )


def test_create_an_admin_with_the_password_on_stdin(app):
    result = create(
        app,
        "--email",
        "Boss@Example.org",
        "--first-name",
        "Ada",
        "--last-name",
        "Boss",
        "--role",
        "admin",
    )
    assert result.exit_code == 0, result.output
    assert "admin, learner" in result.output
    assert login(app.test_client(), "boss@example.org").status_code == 302
    client = app.test_client()
    login(client, "boss@example.org")
    assert client.get("/admin/users").status_code == 200


def test_bad_input_on_the_command_line_exits_1_and_creates_nothing(app):
    result = create(
        app,
        "--email",
        "x@example.org",
        "--first-name",
        "A",
        "--last-name",
        "L" * 101,
        "--nccaom-id",
        "0123",
        password="123456",
    )
    assert result.exit_code == 1
    for field in ("nccaom_id:", "password:", "last_name:"):
        assert field in result.output
    assert login(app.test_client(), "x@example.org", "123456").status_code == 422


def test_grant_a_role(app):
    create(app, "--email", "i@example.org", "--first-name", "I", "--last-name", "Teach")
    result = app.test_cli_runner().invoke(
        args=["coursekit", "users", "grant", "i@example.org", "instructor"]
    )
    assert result.exit_code == 0, result.output
    assert "instructor" in result.output
    missing = app.test_cli_runner().invoke(
        args=["coursekit", "users", "grant", "no@example.org", "admin"]
    )
    assert missing.exit_code == 1 and "No account uses" in missing.output


@pytest.mark.parametrize("command", [["--help"], ["db", "--help"], ["users", "create", "--help"]])
def test_console_script_commands_exist(command):
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output


def test_console_script_runs_against_the_configured_database(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_DATABASE_URL", database_url)
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["db", "current"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Database is at revision {head_revision()}."


def test_serve_prepares_the_database_and_says_where_to_open_it(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("COURSEKIT_DATABASE_URL", raising=False)
    started = {}

    def fake_run_simple(host, port, app, **options):
        started.update(host=host, port=port, secure=app.config["SESSION_COOKIE_SECURE"])

    monkeypatch.setattr("coursekit.cli.serve.run_simple", fake_run_simple)
    result = CliRunner().invoke(main, ["serve", "--port", "5999"])
    assert result.exit_code == 0, result.output
    assert "open http://127.0.0.1:5999/" in result.output
    assert started == {"host": "127.0.0.1", "port": 5999, "secure": False}
    assert (tmp_path / "coursekit.sqlite3").exists()
