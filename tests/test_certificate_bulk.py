"""Bulk issue: ``coursekit certificates issue`` (progress, counts, confirmation, rerun
after an interruption) and issuing from many threads at once (numbers without gaps or
duplicates; one certificate for one completion)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.certificates.bulk import eligible_completion_ids, issue_each, module_versions
from coursekit.certificates.models import Certificate
from coursekit.certificates.operations import CertificateError, issue_certificate
from coursekit.progress.models import Completion
from tests.certificate_records import COMPLETED_AT, certificate_settings, completed
from tests.package_factory import write_package

ISSUE = ["coursekit", "certificates", "issue", "--module", "calf"]


@pytest.fixture
def modules(tmp_path):
    write_package(tmp_path, "calf")
    return {
        "COURSEKIT_MODULES_PATH": str(tmp_path / "modules"),
        "COURSEKIT_PUBLISH_ON_START": True,
        # Threads queue on SQLite's write lock while others render their PDFs.
        "COURSEKIT_SQLITE_BUSY_TIMEOUT_MS": 120_000,
    }


@pytest.fixture
def app(make_app, modules):
    return make_app(**modules, **certificate_settings(provider={"issuing": "approval"}))


def numbers(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Certificate.number).order_by(Certificate.serial)))


def test_the_command_issues_every_waiting_completion_with_a_progress_bar(app):
    for n in range(3):
        completed(app, f"l{n}@example.org")
    result = app.test_cli_runner().invoke(args=[*ISSUE, "--yes"])
    assert result.exit_code == 0, result.output
    assert "3 completions of calf (1.0.0) wait for a certificate." in result.output
    assert "Issuing certificates" in result.output
    assert "3 issued, 0 failed." in result.output
    assert numbers(app) == ["CK-2026-000001", "CK-2026-000002", "CK-2026-000003"]
    again = app.test_cli_runner().invoke(args=[*ISSUE, "--version", "1.0.0", "--yes"])
    assert again.exit_code == 0
    assert "0 completions of calf (1.0.0) wait" in again.output
    assert len(numbers(app)) == 3


def test_the_command_asks_first_without_yes(app):
    completed(app, "a@example.org")
    refused = app.test_cli_runner().invoke(args=ISSUE, input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert numbers(app) == []
    accepted = app.test_cli_runner().invoke(args=ISSUE, input="y\n")
    assert accepted.exit_code == 0 and "1 issued, 0 failed." in accepted.output


def test_an_interrupted_run_keeps_what_it_issued_and_a_rerun_carries_on(app):
    waiting = [completed(app, f"l{n}@example.org") for n in range(4)]
    steps = iter(range(10))

    def stop_after_two() -> None:
        if next(steps) == 1:
            raise KeyboardInterrupt

    with app.app_context(), pytest.raises(KeyboardInterrupt):
        issue_each(waiting, actor=None, after_each=stop_after_two)
    assert numbers(app) == ["CK-2026-000001", "CK-2026-000002"]
    result = app.test_cli_runner().invoke(args=[*ISSUE, "--yes"])
    assert "2 completions of calf (1.0.0) wait" in result.output
    assert "2 issued, 0 failed." in result.output
    assert numbers(app) == [f"CK-2026-00000{n}" for n in (1, 2, 3, 4)]


def test_refusals_are_counted_and_fail_the_command(make_app, modules):
    app = make_app(
        **modules, **certificate_settings(provider={"address": "", "issuing": "approval"})
    )
    completed(app, "a@example.org")
    completed(app, "b@example.org")
    result = app.test_cli_runner().invoke(args=[*ISSUE, "--yes"])
    assert result.exit_code == 1
    assert "0 issued, 2 failed." in result.output
    assert "until the provider settings name the provider address" in result.output
    with app.app_context():
        assert len(eligible_completion_ids(v.id for v in module_versions("calf"))) == 2


def test_the_command_needs_the_public_url(make_app, modules):
    app = make_app(**modules, **certificate_settings(COURSEKIT_PUBLIC_URL=None))
    completed(app, "a@example.org")
    result = app.test_cli_runner().invoke(args=[*ISSUE, "--yes"])
    assert result.exit_code == 1
    assert "Set COURSEKIT_PUBLIC_URL" in result.output
    assert numbers(app) == []


def test_an_unknown_module_or_version_is_refused(app):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["coursekit", "certificates", "issue", "--module", "x", "--yes"])
    assert unknown.exit_code == 1 and "no published 'x'" in unknown.output
    version = runner.invoke(args=[*ISSUE, "--version", "9.9.9", "--yes"])
    assert version.exit_code == 1 and "no published version 9.9.9" in version.output


def _run_together(count: int, work) -> list[BaseException | None]:
    """Run ``work(index)`` in ``count`` threads released at the same moment; each
    thread's exception (or None)."""
    start = threading.Barrier(count)
    outcomes: list[BaseException | None] = [None] * count

    def run(index: int) -> None:
        start.wait()
        try:
            work(index)
        except BaseException as error:  # reported to the test, whatever it is
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes


def _issue_in_own_context(app, completion_id: int) -> None:
    with app.app_context():
        completion = db.session.get_one(Completion, completion_id)
        issue_certificate(completion, actor=None, now=COMPLETED_AT + timedelta(minutes=1))
        db.session.commit()


def test_concurrent_issues_number_without_gaps_or_duplicates(app):
    threads, each = 8, 5
    waiting = [completed(app, f"l{n}@example.org") for n in range(threads * each)]

    def work(index: int) -> None:
        for completion_id in waiting[index::threads]:
            _issue_in_own_context(app, completion_id)

    assert _run_together(threads, work) == [None] * threads
    with app.app_context():
        rows = db.session.execute(select(Certificate.year, Certificate.serial)).all()
    assert sorted(serial for _year, serial in rows) == list(range(1, threads * each + 1))
    assert {year for year, _serial in rows} == {2026}


def test_concurrent_approvals_of_one_completion_issue_one_certificate(app):
    count = 6
    completion_id = completed(app, "a@example.org")
    outcomes = _run_together(count, lambda _index: _issue_in_own_context(app, completion_id))
    refusals = [outcome for outcome in outcomes if outcome is not None]
    assert len(refusals) == count - 1
    assert all(isinstance(refusal, CertificateError) for refusal in refusals), refusals
    assert {refusal.status for refusal in refusals} == {409}
    if app.extensions["coursekit"].db.engine.dialect.name == "postgresql":
        # The threads really raced past the first check: the database's partial unique
        # index refused the late ones (on SQLite the write lock queues them instead).
        assert any("at the same moment" in refusal.message for refusal in refusals)
    assert numbers(app) == ["CK-2026-000001"]
    # The refused issues gave their serials back: the next number follows on.
    _issue_in_own_context(app, completed(app, "b@example.org"))
    assert numbers(app) == ["CK-2026-000001", "CK-2026-000002"]
