"""Journey 3: an instructor uploads a broken version of her module, reads the report,
uploads the fixed one, previews it and publishes it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.packages.models import ModuleVersion
from tests.authoring_helpers import zip_of
from tests.browser.driver import Driver
from tests.browser.learner_steps import sign_in
from tests.browser.look import check
from tests.browser.server import LiveServer

MODULE = "calf-heel-pain"
TEACHER = "marsh@example.org"
VERSION = "1.1.0"


def packed_versions(server: LiveServer, folder: Path) -> tuple[Path, Path, int]:
    """The bundled module as version 1.1.0, packed twice: once with a pass mark of 175 %
    (and the manifest line it is on), once as fixed."""
    files = dict(server.package(MODULE).files)
    manifest = files["module.yaml"].decode()
    manifest = manifest.replace('version: "1.0.0"', f'version: "{VERSION}"', 1)
    broken = manifest.replace("pass_mark: 75", "pass_mark: 175", 1)
    assert broken != manifest, "the module's manifest no longer says pass_mark: 75"
    line = broken.splitlines().index("  pass_mark: 175") + 1
    paths = []
    for name, text in (("broken", broken), ("fixed", manifest)):
        path = folder / f"{MODULE}-{name}.zip"
        entries = {**files, "module.yaml": text.encode()}
        path.write_bytes(zip_of(sorted(entries.items())))
        paths.append(path)
    return paths[0], paths[1], line


def upload(ui: Driver, path: Path) -> None:
    ui.activate(ui.page.get_by_role("link", name="Module uploads"))
    ui.upload(ui.page.get_by_label("Packed module (.zip)"), path)
    ui.activate(ui.page.get_by_role("button", name="Upload and check"))


def run(server: LiveServer, open_page: Any, driver: type, shots: Path) -> None:
    server.user(TEACHER, Role.INSTRUCTOR, first_name="Lena", last_name="Marsh")
    server.assign(TEACHER, MODULE)
    broken, fixed, line = packed_versions(server, server.folder)

    ui = driver(open_page(server))
    sign_in(ui, TEACHER)
    upload(ui, broken)
    report = ui.page.locator(".validation-report")
    expect(report).to_contain_text(f"module.yaml:{line}:")
    expect(report).to_contain_text("pass_mark")
    check(ui.page, shots, "upload-refused")
    with server.app.app_context():
        assert db.session.scalar(select(ModuleVersion).filter_by(version=VERSION)) is None

    upload(ui, fixed)
    expect(ui.page.get_by_role("heading", level=1)).to_contain_text(VERSION)
    check(ui.page, shots, "upload-staged")

    ui.activate(ui.page.get_by_role("link", name="Preview this version"))
    expect(ui.page.locator(".preview-banner")).to_be_visible()
    check(ui.page, shots, "preview-module")
    lesson = server.package(MODULE).lessons[0]
    ui.activate(ui.page.get_by_role("link", name=lesson.title).first)
    expect(ui.page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    check(ui.page, shots, "preview-lesson")
    ui.page.go_back()
    ui.page.go_back()

    ui.fill(ui.page.get_by_label(re.compile("^Note for the audit log")), "Clearer calf figures.")
    ui.activate(ui.page.get_by_role("button", name=f"Publish {VERSION}"))
    expect(ui.page.get_by_role("status").first).to_contain_text("published", ignore_case=True)
    with server.app.app_context():
        published = db.session.scalar(select(ModuleVersion).filter_by(version=VERSION))
    assert published is not None and published.module_id == MODULE
