"""Uploads the staging area refuses: each with a clear message and status, and nothing kept
(no staged upload, no published version, no audit entry)."""

from __future__ import annotations

import io

import pytest
import yaml

from coursekit.accounts.models import Role
from tests.authoring_helpers import (
    counts,
    instructor,
    packed,
    symlink_entry,
    upload,
    with_entry,
    zip_of,
)
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import manifest as manifest_of


def refused(app, client, data, status, *messages, filename="calf.zip"):
    before = counts(app)
    response = upload(client, data, filename)
    assert response.status_code == status, response.text[:2000]
    for message in messages:
        assert message in response.text
    assert counts(app) == before
    return response


def test_a_file_that_is_not_a_zip(app, client):
    instructor(app, client, "calf")
    refused(app, client, b"%PDF-1.7 not a zip", 422, "calf.zip: not a zip file")


def test_a_zip_bomb_by_ratio(app, client, tmp_path):
    instructor(app, client, "calf")
    bomb = with_entry(packed(tmp_path), "media/zeros.png", b"\0" * (8 * 1024 * 1024))
    refused(app, client, bomb, 422, "calf.zip/media/zeros.png", "possible zip bomb")


def test_a_zip_bomb_by_size(make_app, tmp_path):
    app = make_app(COURSEKIT_PACKAGE_MAX_BYTES=20_000)
    client = app.test_client()
    instructor(app, client, "calf")
    big = with_entry(packed(tmp_path), "lessons/03-more.md", b"x" * 30_000)
    refused(app, client, big, 422, "more than 20000 bytes unpacked")


def test_a_path_escape(app, client, tmp_path):
    instructor(app, client, "calf")
    data = with_entry(packed(tmp_path), "../../etc/evil.md", b"# evil")
    refused(app, client, data, 422, "is not a plain relative path inside the package")


def test_an_absolute_path(app, client, tmp_path):
    instructor(app, client, "calf")
    data = with_entry(packed(tmp_path), "/etc/evil.md", b"# evil")
    refused(app, client, data, 422, "is not a plain relative path inside the package")


def test_a_symbolic_link(app, client, tmp_path):
    instructor(app, client, "calf")
    data = with_entry(packed(tmp_path), *symlink_entry("media/link.svg", "/etc/passwd"))
    refused(app, client, data, 422, "symbolic links are not allowed in a package")


def test_too_many_files(make_app, tmp_path):
    app = make_app(COURSEKIT_PACKAGE_MAX_FILES=4)
    client = app.test_client()
    instructor(app, client, "calf")
    refused(app, client, packed(tmp_path), 422, "more than 4 files in the zip")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tools/run.exe", b"MZ\x90\x00", "not a kind of file a package may hold"),
        ("media/photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is not image/png"),
        ("lessons/binary.md", b"\xff\xfe\x00\x00", "the file is not UTF-8 text"),
    ],
    ids=["unknown-kind", "wrong-content", "not-text"],
)
def test_a_file_of_an_unknown_kind_or_false_content(app, client, tmp_path, name, content, message):
    instructor(app, client, "calf")
    refused(app, client, with_entry(packed(tmp_path), name, content), 422, message)


def test_an_invalid_package_shows_the_report(app, client, tmp_path):
    instructor(app, client, "calf")
    manifest = manifest_of("calf", assessment={"quiz": "quizzes/missing.yaml", "pass_mark": 75})
    data = with_entry(packed(tmp_path), "module.yaml", yaml.safe_dump(manifest).encode())
    response = refused(app, client, data, 422, "The package has problems")
    assert "calf.zip/module.yaml:" in response.text  # path:line:column, as the CLI says
    assert "not found" in response.text
    assert "0 valid, 1 invalid" in response.text


def test_an_unparsable_manifest_points_at_its_line(app, client, tmp_path):
    instructor(app, client, "calf")
    manifest = yaml.safe_dump({"id": "calf", "title": "T"}) + "version: [1.0\n"
    data = zip_of([("module.yaml", manifest.encode())])
    response = refused(app, client, data, 422, "calf.zip/module.yaml")
    assert "<td>3</td>" in response.text or "<td>4</td>" in response.text


def test_a_version_published_with_other_content(app, client, tmp_path):
    instructor(app, client, "calf")
    first = upload(client, packed(tmp_path / "a"))
    detail = first.headers["Location"]
    token = csrf_token(client, detail)
    assert client.post(f"{detail}/publish", data={"csrf_token": token}).status_code == 302
    changed = packed(tmp_path / "b", title="Calf pain, revised")
    refused(app, client, changed, 409, "published versions never change", "bump the version")


def test_the_same_content_twice_is_reported_as_published(app, client, tmp_path):
    instructor(app, client, "calf")
    data = packed(tmp_path)
    detail = upload(client, data).headers["Location"]
    client.post(f"{detail}/publish", data={"csrf_token": csrf_token(client, detail)})
    refused(app, client, data, 409, "already published as calf 1.0.0")


def test_an_instructor_not_assigned_to_the_module(app, client, tmp_path):
    instructor(app, client, "heel")
    refused(app, client, packed(tmp_path), 403, "You are not assigned to module")


def test_a_learner_is_refused(app, client, tmp_path):
    make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    token = csrf_token(client, "/account")
    before = counts(app)
    response = client.post(
        "/teach/uploads",
        data={"csrf_token": token, "archive": (io.BytesIO(packed(tmp_path)), "calf.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert counts(app) == before


def test_an_upload_over_the_size_limit_is_413(make_app, tmp_path):
    app = make_app(COURSEKIT_UPLOAD_MAX_BYTES=2_000)
    client = app.test_client()
    instructor(app, client, "calf")
    response = refused(app, client, packed(tmp_path), 413, "The upload is too large")
    assert "Traceback" not in response.text


def test_another_instructors_upload_is_not_found(app, client, tmp_path):
    instructor(app, client, "calf")
    detail = upload(client, packed(tmp_path)).headers["Location"]
    other = app.test_client()
    instructor(app, other, "heel", email="other@example.org")
    assert other.get(detail).status_code == 404
    token = csrf_token(other, "/teach/uploads")
    before = counts(app)
    assert other.post(f"{detail}/publish", data={"csrf_token": token}).status_code == 404
    assert counts(app) == before


def test_an_admin_may_upload_any_module(app, client, tmp_path):
    make_user(app, "admin@example.org", Role.ADMIN)
    login(client, "admin@example.org")
    assert upload(client, packed(tmp_path)).status_code == 302
