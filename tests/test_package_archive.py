"""Packing a package into a self-contained zip, reading zips safely, and unpacking them."""

from __future__ import annotations

import io
import os
import struct
import zipfile

import pytest

from coursekit.packages.archive import load_zip, pack, unpack
from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import load_package
from coursekit.packages.problems import PackageInvalid
from coursekit.packages.sources import DEFAULT_LIMITS, Limits, ZipFiles
from tests.package_factory import write_bank, write_package


def load(folder):
    candidate = package_candidate(folder)
    return load_package(candidate.files, candidate.shared).package


def make_zip(entries, method=zipfile.ZIP_DEFLATED):
    """A zip of ``(name or ZipInfo, bytes)`` entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name)
            archive.writestr(info, data, compress_type=method)
    return buffer.getvalue()


def patch_headers(data, local_offset, central_offset, fmt, value):
    """Overwrite a field in the first entry's local header and central directory record."""
    patched = bytearray(data)
    struct.pack_into(fmt, patched, patched.find(b"PK\x03\x04") + local_offset, value)
    struct.pack_into(fmt, patched, patched.find(b"PK\x01\x02") + central_offset, value)
    return bytes(patched)


def refused(data, limits=DEFAULT_LIMITS):
    with pytest.raises(PackageInvalid) as info:
        ZipFiles(data, "upload.zip", limits)
    assert info.value.problems
    return info.value.problems


def shared_package(root):
    """A package whose post-test draws from a shared bank and whose lessons use shared media."""
    assessment = {"quiz": "quizzes/post-test.yaml", "draw": [{"bank": "calf", "count": 4}]}
    folder = write_package(root, assessment={**assessment, "pass_mark": 80})
    write_bank(root, "calf", 6)
    (root / "media").mkdir()
    (folder / "media" / "calf.svg").rename(root / "media" / "calf.svg")
    return folder


@pytest.mark.parametrize("uses_shared", [False, True], ids=["own-files", "shared-files"])
def test_packed_zip_loads_with_the_folder_hash_and_needs_no_shared_files(tmp_path, uses_shared):
    folder = shared_package(tmp_path) if uses_shared else write_package(tmp_path)
    package = load(folder)
    loaded = load_zip(pack(package), "calf.zip")
    assert loaded.label == "calf.zip"
    assert loaded.package.content_hash == package.content_hash
    assert dict(loaded.package.files) == dict(package.files)
    assert ("quizzes/calf.yaml" in loaded.package.files) is uses_shared
    assert "media/calf.svg" in loaded.package.files
    assert loaded.package == package


def test_packing_is_deterministic(tmp_path):
    folder = shared_package(tmp_path)
    first = pack(load(folder))
    assert pack(load(folder)) == first
    for path in folder.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert pack(load(folder)) == first


@pytest.mark.parametrize("name", ["../evil", "lessons/../../evil", "/etc/x", "a\\b"])
def test_zip_entry_outside_the_package_is_refused(name):
    data = make_zip([("module.yaml", b"id: x\n"), (name, b"evil")])
    assert name in zipfile.ZipFile(io.BytesIO(data)).namelist()
    (problem,) = refused(data)
    assert problem.path == f"upload.zip/{name}"
    assert "not a plain relative path" in problem.message


def test_zip_symlink_entry_is_refused():
    link = zipfile.ZipInfo("lessons/01-anatomy.md")
    link.external_attr = 0o120777 << 16
    (problem,) = refused(make_zip([("module.yaml", b"id: x\n"), (link, b"/etc/passwd")]))
    assert problem.path == "upload.zip/lessons/01-anatomy.md"
    assert "symbolic link" in problem.message


def test_zip_with_too_many_entries_is_refused():
    entries = [(f"media/{n}.png", b"x") for n in range(4)]
    assert ZipFiles(make_zip(entries[:3]), "ok.zip", Limits(max_files=3)).names()
    (problem,) = refused(make_zip(entries), Limits(max_files=3))
    assert problem.path == "upload.zip" and "more than 3 files" in problem.message


def test_zip_with_too_many_bytes_is_refused_counting_all_entries():
    entries = [(f"media/{n}.png", b"x" * 400) for n in range(3)]
    assert ZipFiles(make_zip(entries[:2]), "ok.zip", Limits(max_bytes=1000)).names()
    (problem,) = refused(make_zip(entries), Limits(max_bytes=1000))
    assert problem.path == "upload.zip" and "more than 1000 bytes" in problem.message


def test_zip_bomb_is_refused_even_when_its_header_lies():
    bomb = make_zip([("module.yaml", b"\0" * (4 * 1024 * 1024))])
    assert len(bomb) < 10_000
    limits = Limits(max_bytes=1024 * 1024)
    assert "more than" in refused(bomb, limits)[0].message
    # The headers claim 100 bytes unpacked; what is read is what counts, and the zip is refused.
    lying = patch_headers(bomb, 22, 24, "<I", 100)
    assert zipfile.ZipFile(io.BytesIO(lying)).infolist()[0].file_size == 100
    assert refused(lying, limits)


def corrupt_deflate(data):
    patched = bytearray(data)
    start = patched.find(b"PK\x03\x04") + 30 + len("module.yaml")
    for index in range(start + 5, start + 60):
        patched[index] ^= 0x55
    return bytes(patched)


CORRUPT = {
    "bad-crc": lambda data: patch_headers(data, 14, 16, "<I", 0),
    "corrupt-deflate-stream": corrupt_deflate,
    "encrypted-flag": lambda data: patch_headers(data, 6, 8, "<H", 1),
    "unknown-compression-method": lambda data: patch_headers(data, 8, 10, "<H", 99),
}


@pytest.mark.parametrize("corrupt", CORRUPT.values(), ids=CORRUPT.keys())
def test_corrupt_zip_entry_is_refused_as_an_invalid_package(corrupt):
    data = make_zip([("module.yaml", bytes(range(256)) * 40)])
    assert ZipFiles(data, "ok.zip").read("module.yaml") == bytes(range(256)) * 40
    assert refused(corrupt(data))


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_non_zip_bytes_are_refused(data):
    (problem,) = refused(data)
    assert problem.path == "upload.zip" and "not a zip file" in problem.message


def test_unpack_writes_the_package_that_loads_with_the_same_hash(tmp_path):
    package = load(shared_package(tmp_path / "source"))
    destination = tmp_path / "content" / "modules"
    target = unpack(pack(package), "calf.zip", destination)
    assert target == destination / "calf"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == (
        sorted(package.files)
    )
    assert load(target).content_hash == package.content_hash


def test_unpack_refuses_to_overwrite_an_existing_module(tmp_path):
    package = load(write_package(tmp_path / "source"))
    destination = tmp_path / "modules"
    (destination / "calf").mkdir(parents=True)
    (destination / "calf" / "notes.txt").write_text("mine")
    with pytest.raises(PackageInvalid) as info:
        unpack(pack(package), "calf.zip", destination)
    assert "already exists" in info.value.problems[0].message
    assert [p.name for p in (destination / "calf").rglob("*")] == ["notes.txt"]


@pytest.mark.parametrize("exists", [False, True], ids=["no-destination", "empty-destination"])
def test_unpack_writes_nothing_when_the_zip_is_invalid(tmp_path, exists):
    folder = write_package(tmp_path / "source")
    package = load(folder)
    files = {name: data for name, data in package.files.items() if "post-test" not in name}
    bad_package = make_zip(files.items())
    evil = make_zip([*package.files.items(), ("../evil", b"x")])
    destination = tmp_path / "modules"
    if exists:
        destination.mkdir()
    for data in (bad_package, evil, b"junk"):
        with pytest.raises(PackageInvalid):
            unpack(data, "calf.zip", destination)
        assert destination.exists() is exists
        assert not exists or list(destination.iterdir()) == []
    assert not (tmp_path / "evil").exists()
