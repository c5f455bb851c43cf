"""Settings: documented in one place, read in the documented order."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from coursekit import create_app
from coursekit.config import SETTINGS, settings_from_environ
from tests.helpers import app_config

DOCS = Path(__file__).parent.parent / "docs" / "configuration.md"


def test_every_setting_is_documented_with_its_default():
    text = DOCS.read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text, setting.name
        line = next(line for line in text.splitlines() if f"`{setting.name}`" in line)
        assert repr(setting.default) in line or str(setting.default) in line, setting.name


def test_environment_values_take_the_type_of_their_setting():
    values = settings_from_environ(
        {
            "COURSEKIT_PASSWORD_MIN_LENGTH": "12",
            "COURSEKIT_AUTO_MIGRATE": "false",
            "COURSEKIT_SECURE_COOKIES": "true",
            "COURSEKIT_TRUSTED_HOSTS": '["ce.example.org"]',
            "COURSEKIT_SITE_NAME": "Acu CE",
            "COURSEKIT_SMTP_PASSWORD": "123456",
            "COURSEKIT_SOMETHING_NEW": "7",
            "OTHER": "x",
        }
    )
    assert values == {
        "COURSEKIT_PASSWORD_MIN_LENGTH": 12,
        "COURSEKIT_AUTO_MIGRATE": False,
        "COURSEKIT_SECURE_COOKIES": True,
        "COURSEKIT_TRUSTED_HOSTS": ["ce.example.org"],
        "COURSEKIT_SITE_NAME": "Acu CE",
        "COURSEKIT_SMTP_PASSWORD": "123456",
        "COURSEKIT_SOMETHING_NEW": "7",
    }


def test_a_malformed_typed_environment_value_names_the_variable():
    with pytest.raises(ValueError, match="COURSEKIT_PASSWORD_MIN_LENGTH"):
        settings_from_environ({"COURSEKIT_PASSWORD_MIN_LENGTH": "twelve"})


def test_defaults_then_instance_file_then_environment_then_test_mapping(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'COURSEKIT_SITE_NAME = "from file"\n'
        'COURSEKIT_PROVIDER_NAME = "from file"\n'
        "COURSEKIT_REMEMBER_DAYS = 3\n"
    )
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("COURSEKIT_PROVIDER_NAME", "from environment")
    monkeypatch.setenv("COURSEKIT_REMEMBER_DAYS", "5")
    app = create_app({"COURSEKIT_REMEMBER_DAYS": 7})
    try:
        assert app.config["COURSEKIT_SITE_NAME"] == "from file"
        assert app.config["COURSEKIT_PROVIDER_NAME"] == "from environment"
        assert app.config["COURSEKIT_REMEMBER_DAYS"] == 7
        assert app.config["COURSEKIT_PASSWORD_MIN_LENGTH"] == 10  # the default
        assert app.config["REMEMBER_COOKIE_DURATION"].days == 7
    finally:
        app.extensions["coursekit"].db.engine.dispose()


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("COURSEKIT_SECRET_KEY", raising=False)
    first = create_app({"COURSEKIT_AUTO_MIGRATE": False})
    second = create_app({"COURSEKIT_AUTO_MIGRATE": False})
    key_file = tmp_path / "secret_key"
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    for app in (first, second):
        app.extensions["coursekit"].db.engine.dispose()


def test_provider_name_appears_in_the_footer(app, client):
    app.config["COURSEKIT_PROVIDER_NAME"] = "Pacific Acupuncture CE"
    assert "Pacific Acupuncture CE" in client.get("/").text
    missing = client.get("/no-such-page")  # rendered outside the blueprint
    assert missing.status_code == 404
    assert "Pacific Acupuncture CE" in missing.text and "Sign in" in missing.text


def test_the_default_sqlite_file_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("COURSEKIT_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    try:
        database = tmp_path / "coursekit.sqlite3"
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
        assert database.stat().st_size > 0  # migrated, not just touched
    finally:
        app.extensions["coursekit"].db.engine.dispose()


def test_trusted_hosts_refuse_a_forged_host_and_proxy_prefix_is_ignored(database_url):
    app = create_app(
        app_config(
            database_url,
            COURSEKIT_TRUSTED_HOSTS=["ce.example.org"],
            COURSEKIT_TRUSTED_PROXIES=1,
        )
    )
    try:
        client = app.test_client()
        assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
        page = client.get(
            "/login", base_url="https://ce.example.org", headers={"X-Forwarded-Prefix": "/evil"}
        )
        assert page.status_code == 200
        assert "/evil/" not in page.text
    finally:
        app.extensions["coursekit"].db.engine.dispose()
