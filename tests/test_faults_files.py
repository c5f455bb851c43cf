"""A full disk while CourseKit writes a file of its own: the instance's secret key, the
Open Badges signing key, a module package unpacked by ``coursekit modules unpack``.

Each is written whole or not at all (``coursekit.files``): a write that fails with
``ENOSPC`` raises, leaves neither the file nor a temporary behind, and the retry once
space is freed writes it.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from flask import Flask

from coursekit.app import _instance_secret_key
from coursekit.certificates.badges.keys import ensure_key_file
from coursekit.packages.archive import pack, unpack
from coursekit.packages.problems import PackageInvalid
from tests.package_factory import write_package
from tests.test_package_archive import load


def no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_the_secret_key_is_never_left_empty_by_a_full_disk(tmp_path, monkeypatch):
    app = Flask("probe", instance_path=str(tmp_path / "instance"))
    # fsync is where a full disk shows itself when the filesystem allocates late.
    monkeypatch.setattr("coursekit.files.os.fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        _instance_secret_key(app)
    assert list((tmp_path / "instance").iterdir()) == []
    monkeypatch.undo()
    key = _instance_secret_key(app)
    assert len(key) == 64 and (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert _instance_secret_key(app) == key


def test_the_badge_signing_key_is_never_left_half_written(tmp_path, monkeypatch):
    path = tmp_path / "instance" / "badge_signing_key.pem"
    monkeypatch.setattr("coursekit.files.os.fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        ensure_key_file(path)
    assert list(path.parent.iterdir()) == []
    monkeypatch.undo()
    ensure_key_file(path)
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_an_unpack_that_fills_the_disk_leaves_no_half_package(tmp_path, monkeypatch):
    package = load(write_package(tmp_path / "source"))
    destination = tmp_path / "modules"
    destination.mkdir()
    written: list[Path] = []
    real_write = Path.write_bytes

    def fills_up(path: Path, content: bytes) -> int:
        if written:
            no_space()
        written.append(path)
        return real_write(path, content)

    monkeypatch.setattr(Path, "write_bytes", fills_up)
    with pytest.raises(PackageInvalid, match="No space"):
        unpack(pack(package), "calf.zip", destination)
    assert written and list(destination.iterdir()) == []
    monkeypatch.undo()
    target = unpack(pack(package), "calf.zip", destination)
    assert [p.name for p in destination.iterdir()] == ["calf"]
    assert load(target).content_hash == package.content_hash
