"""The upload flow: upload → report → diff → publish (or submit → approve / reject), every
step audited; the report is the one `coursekit validate` prints; list pages keep to a
query budget."""

from __future__ import annotations

import re

import yaml
from click.testing import CliRunner
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.audit.models import AuditEntry
from coursekit.authoring.models import StagedUpload
from coursekit.cli import main
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from tests.authoring_helpers import UPLOADS, counts, instructor, packed, upload, with_entry
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import manifest, questions
from tests.querycount import queries_for


def publish(client, detail, **data):
    """Publish from the upload page, with the diff's base that the page holds."""
    page = client.get(detail).text
    base = re.search(r'name="base_hash" type="hidden" value="([^"]*)"', page)
    token = csrf_token(client, detail)
    fields = {"csrf_token": token, "base_hash": base.group(1) if base else "", **data}
    return client.post(f"{detail}/publish", data=fields)


def actions(app):
    with app.app_context():
        return [
            entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def test_upload_diff_publish_and_publish_again(app, client, tmp_path):
    instructor(app, client, "calf")
    response = upload(client, packed(tmp_path / "a"))
    assert response.status_code == 302
    detail = response.headers["Location"]
    page = client.get(detail)
    assert "First version" in page.text
    assert publish(client, detail, reason="first run").status_code == 302
    with app.app_context():
        version = db.session.scalar(select(ModuleVersion))
        staged = db.session.scalar(select(StagedUpload))
        assert (version.module_id, version.version) == ("calf", "1.0.0")
        assert staged.status == "published" and staged.module_version_id == version.id
        # Stored in the database, so every process serves exactly these bytes.
        assert version.archive == staged.archive
        assert package_for(version).content_hash == version.content_hash == staged.content_hash

    # Version 1.1.0: a lesson is longer, the post-test has two more questions, the pass
    # mark and a credit changed.
    root = tmp_path / "b"
    data = packed(
        root,
        version="1.1.0",
        lesson_minutes=40,
        assessment={"quiz": "quizzes/post-test.yaml", "pass_mark": 80, "attempts": 3},
    )
    bank = {"title": "Post-test", "questions": questions(12)}
    data = with_entry(data, "quizzes/post-test.yaml", yaml.safe_dump(bank).encode())
    detail = upload(client, data).headers["Location"]
    page = client.get(detail).text
    assert "Compared with the published version 1.0.0" in page
    assert "01-anatomy" in page and "minutes: 30 → 40" in page
    assert "quizzes/post-test.yaml" in page and "added q11, q12" in page
    assert "assessment pass_mark: 75 → 80" in page
    assert publish(client, detail).status_code == 302
    assert actions(app) == [
        "upload.staged",
        "module.published",
        "upload.published",
        "upload.staged",
        "module.published",
        "upload.published",
    ]


def test_a_publish_over_a_diff_that_changed_meanwhile_is_refused(app, client, tmp_path):
    instructor(app, client, "calf")
    first = upload(client, packed(tmp_path / "a")).headers["Location"]
    second = upload(client, packed(tmp_path / "b", version="1.1.0")).headers["Location"]
    # The 1.1.0 page was read while nothing was published: its diff says "first version".
    token = csrf_token(client, second)
    assert publish(client, first).status_code == 302
    before = counts(app)
    response = client.post(f"{second}/publish", data={"csrf_token": token, "base_hash": ""})
    assert response.status_code == 409
    assert "read the new diff before publishing" in response.text
    assert counts(app) == before


def test_a_publish_of_a_version_that_no_longer_validates_is_refused(make_app, tmp_path):
    app = make_app()
    client = app.test_client()
    instructor(app, client, "calf")
    detail = upload(client, packed(tmp_path)).headers["Location"]
    strict = make_app(COURSEKIT_PACKAGE_MAX_FILES=2)  # e.g. the limits were lowered since
    client = strict.test_client()
    login(client, "teach@example.org")
    before = counts(strict)
    response = publish(client, detail)
    assert response.status_code == 422
    assert "no longer passes validation" in response.text
    assert "more than 2 files in the zip" in response.text
    assert counts(strict) == before


def test_a_new_upload_of_the_same_version_replaces_the_staged_one(app, client, tmp_path):
    instructor(app, client, "calf")
    first = upload(client, packed(tmp_path / "a")).headers["Location"]
    upload(client, packed(tmp_path / "b", title="Calf pain, fixed"))
    with app.app_context():
        statuses = db.session.scalars(select(StagedUpload.status).order_by(StagedUpload.id))
        assert list(statuses) == ["withdrawn", "staged"]
    assert publish(client, first).status_code == 409


def test_withdraw(app, client, tmp_path):
    instructor(app, client, "calf")
    detail = upload(client, packed(tmp_path)).headers["Location"]
    token = csrf_token(client, detail)
    response = client.post(f"{detail}/withdraw", data={"csrf_token": token, "reason": "typo"})
    assert response.status_code == 302
    assert "upload.withdrawn" in actions(app)
    assert publish(client, detail).status_code == 409


def test_approval_submit_reject_resubmit_approve(make_app, tmp_path):
    app = make_app(COURSEKIT_MODULE_APPROVAL=True)
    teacher = app.test_client()
    instructor(app, teacher, "calf")
    detail = upload(teacher, packed(tmp_path / "a")).headers["Location"]
    before = counts(app)
    response = publish(teacher, detail)
    assert response.status_code == 403 and "submit it for approval" in response.text
    assert counts(app) == before
    token = csrf_token(teacher, detail)
    assert teacher.post(f"{detail}/submit", data={"csrf_token": token}).status_code == 302

    admin = app.test_client()
    make_user(app, "admin@example.org", Role.ADMIN)
    login(admin, "admin@example.org")
    queue = admin.get("/admin/uploads")
    assert queue.status_code == 200 and detail in queue.text
    upload_id = detail.rsplit("/", 1)[1]
    token = csrf_token(admin, detail)
    response = admin.post(f"/admin/uploads/{upload_id}/reject", data={"csrf_token": token})
    assert response.status_code == 422 and "Give the reason" in response.text
    response = admin.post(
        f"/admin/uploads/{upload_id}/reject",
        data={"csrf_token": token, "reason": "The CA hours need a new approval number."},
    )
    assert response.status_code == 302
    assert "The CA hours need a new approval number." in teacher.get(detail).text

    detail = upload(teacher, packed(tmp_path / "b", version="1.0.1")).headers["Location"]
    teacher.post(f"{detail}/submit", data={"csrf_token": csrf_token(teacher, detail)})
    upload_id = detail.rsplit("/", 1)[1]
    token = csrf_token(admin, detail)
    response = admin.post(f"/admin/uploads/{upload_id}/approve", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ModuleVersion.version)).all() == ["1.0.1"]
    assert actions(app) == [
        "upload.staged",
        "upload.submitted",
        "upload.rejected",
        "upload.staged",
        "upload.submitted",
        "module.published",
        "upload.published",
    ]


def test_the_report_is_the_one_coursekit_validate_prints(app, client, tmp_path, monkeypatch):
    broken = manifest("calf", assessment={"quiz": "quizzes/missing.yaml", "pass_mark": 75})
    data = with_entry(packed(tmp_path / "src"), "module.yaml", yaml.safe_dump(broken).encode())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "calf.zip").write_bytes(data)
    printed = CliRunner().invoke(main, ["validate", "calf.zip"]).output.strip()
    instructor(app, client, "calf")
    response = upload(client, data)
    assert response.status_code == 422
    page = response.text.replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
    assert printed and printed in page


def test_upload_lists_keep_to_a_query_budget(app, client, tmp_path):
    instructor(app, client, "calf")
    make_user(app, "admin@example.org", Role.ADMIN)
    admin = app.test_client()
    login(admin, "admin@example.org")
    upload(client, packed(tmp_path / "v0"))
    few = len(queries_for(app, client, UPLOADS)), len(queries_for(app, admin, "/admin/uploads"))
    for number in range(1, 6):
        upload(client, packed(tmp_path / f"v{number}", version=f"1.0.{number}"))
    many = len(queries_for(app, client, UPLOADS)), len(queries_for(app, admin, "/admin/uploads"))
    assert few == many
