"""Hostile zips (``tests/upload_attacks.py``) through every way a zip comes in: the
instructor's upload page and ``coursekit unpack`` (and ``coursekit validate``). Each is
refused with a message naming the file, as a 4xx page or exit status 1, and nothing is
written: no row, no file in the instance folder or beside the destination, no staging
folder left behind."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from click.testing import CliRunner

from coursekit.cli import main
from coursekit.packages import archive
from coursekit.packages.problems import PackageInvalid
from tests.authoring_helpers import counts, instructor, packed, upload
from tests.upload_attacks import ATTACKS, LESSON, ONE_PER_FAMILY, snapshot


@pytest.fixture(scope="module")
def valid_zip(tmp_path_factory) -> bytes:
    return packed(tmp_path_factory.mktemp("source"))


def test_the_valid_zip_unpacks(valid_zip, tmp_path):
    """The attacks start from a zip that is accepted: each refusal is the attack's."""
    target = archive.unpack(valid_zip, "calf.zip", tmp_path / "modules")
    assert (target / LESSON).is_file()


@pytest.mark.second_backend_only_for(ONE_PER_FAMILY)
@pytest.mark.parametrize("name", ATTACKS)
def test_the_upload_page_refuses(app, client, tmp_path, valid_zip, name):
    attack = ATTACKS[name]
    instructor(app, client, "calf")
    data = attack.build(valid_zip)
    rows, files = counts(app), snapshot(Path(app.instance_path), tmp_path)
    response = upload(client, data)
    assert response.status_code == 422, response.text[:2000]
    text = html.unescape(response.text)
    assert "Traceback" not in text
    assert f"calf.zip/{attack.path}" in text
    assert attack.message in text
    assert "nothing was kept" in text
    assert counts(app) == rows
    assert snapshot(Path(app.instance_path), tmp_path) == files


@pytest.mark.parametrize("name", ATTACKS)
def test_coursekit_unpack_refuses(tmp_path, monkeypatch, valid_zip, name):
    attack = ATTACKS[name]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "calf.zip").write_bytes(attack.build(valid_zip))
    (tmp_path / "modules").mkdir()
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["unpack", "calf.zip", "-d", "modules"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"calf.zip/{attack.path}" in result.output
    assert attack.message in result.output
    assert "nothing was extracted" in result.output
    assert snapshot(tmp_path) == before
    validated = CliRunner().invoke(main, ["validate", "calf.zip"])
    assert validated.exit_code == 1 and attack.message in validated.output


def test_a_write_that_fails_partway_leaves_no_staging_folder(tmp_path, monkeypatch, valid_zip):
    written: list[Path] = []
    real_write = Path.write_bytes

    def failing_write(path: Path, data: bytes) -> int:
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    destination = tmp_path / "modules"
    with pytest.raises(PackageInvalid) as info:
        archive.unpack(valid_zip, "calf.zip", destination)
    (problem,) = info.value.problems
    assert problem.path == str(destination / "calf")
    assert "No space left on device" in problem.message and "nothing was kept" in problem.message
    assert written and not written[0].exists()
    assert list(destination.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (("// " + "x" * 1_000_001).encode(), "at most 1,000,000 are read"),
        (b"\xff\xfe::q:: binary {T}", "the file is not UTF-8 text"),
        (b"::q:: Text {=a ~b", "bank.gift:1:"),
    ],
    ids=["huge", "not-utf-8", "malformed"],
)
def test_gift_import_refuses_and_writes_nothing(tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bank.gift").write_bytes(content)
    before = snapshot(tmp_path)
    for command in (["gift2yaml", "bank.gift", "-o", "bank.yaml"], ["questions", "bank.gift"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert message in result.output
    assert snapshot(tmp_path) == before
