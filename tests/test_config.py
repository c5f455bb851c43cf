"""Settings: documented in one place, read in the documented order."""

from __future__ import annotations

import stat
from pathlib import Path

from coursekit import create_app
from coursekit.config import SETTINGS, settings_from_environ

DOCS = Path(__file__).parent.parent / "docs" / "configuration.md"


def test_every_setting_is_documented_with_its_default():
    text = DOCS.read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text, setting.name
        line = next(line for line in text.splitlines() if f"`{setting.name}`" in line)
        assert repr(setting.default) in line or str(setting.default) in line, setting.name


def test_environment_values_are_typed_like_json():
    values = settings_from_environ(
        {
            "COURSEKIT_PASSWORD_MIN_LENGTH": "12",
            "COURSEKIT_AUTO_MIGRATE": "false",
            "COURSEKIT_SITE_NAME": "Acu CE",
            "OTHER": "x",
        }
    )
    assert values == {
        "COURSEKIT_PASSWORD_MIN_LENGTH": 12,
        "COURSEKIT_AUTO_MIGRATE": False,
        "COURSEKIT_SITE_NAME": "Acu CE",
    }


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
