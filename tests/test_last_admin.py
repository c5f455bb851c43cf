"""The last active administrator never loses the admin role nor the account: from the
console, from the command line, and when two administrators demote each other at the
same moment. Anyone else may be demoted or disabled, both ways."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts import operations
from coursekit.accounts.models import Role, User
from coursekit.accounts.operations import AccountChangeRefused
from coursekit.audit.models import AuditEntry
from tests.helpers import load_user, login, make_user, submit


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["coursekit", "users", *args])


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


def signed_in(app, email: str):
    client = app.test_client()
    login(client, email)
    return client


def test_the_last_admin_cannot_demote_or_disable_themselves(app):
    ada = make_user(app, "ada@example.org", Role.ADMIN, first_name="Ada", last_name="Admin")
    client = signed_in(app, "ada@example.org")
    page = f"/admin/users/{ada}"
    demote = submit(client, page, {"instructor": "y", "reason": "stepping down"}, f"{page}/roles")
    assert demote.status_code == 409
    assert "Ada Admin is the last active administrator" in demote.text
    assert "Nothing was changed" in demote.text
    disable = submit(client, page, {"reason": "leaving"}, f"{page}/disable")
    assert disable.status_code == 409
    assert "last active administrator" in disable.text
    user = load_user(app, ada)
    assert (user.role_names, user.status) == ({"learner", "admin"}, "active")
    assert audit_count(app) == 0
    assert client.get(page).status_code == 200  # still signed in, still an admin


def test_a_second_admin_may_demote_an_admin_who_is_not_the_last(app):
    ada = make_user(app, "ada@example.org", Role.ADMIN)
    bob = make_user(app, "bob@example.org", Role.ADMIN)
    ada_client = signed_in(app, "ada@example.org")
    bob_client = signed_in(app, "bob@example.org")
    page = f"/admin/users/{bob}"
    assert submit(ada_client, page, {"reason": "moved on"}, f"{page}/roles").status_code == 302
    assert load_user(app, bob).role_names == {"learner"}
    # Bob, demoted, can no longer demote Ada, who is now the last administrator.
    assert bob_client.get(f"/admin/users/{ada}").status_code == 403
    ada_page = f"/admin/users/{ada}"
    refused = submit(ada_client, ada_page, {"reason": "oops"}, f"{ada_page}/roles")
    assert refused.status_code == 409
    assert load_user(app, ada).has_role(Role.ADMIN)


def test_an_admin_who_is_not_the_last_may_demote_themselves(app):
    ada = make_user(app, "ada@example.org", Role.ADMIN)
    make_user(app, "bob@example.org", Role.ADMIN)
    client = signed_in(app, "ada@example.org")
    page = f"/admin/users/{ada}"
    response = submit(client, page, {"reason": "back to teaching"}, f"{page}/roles")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # out of the console they just left
    assert load_user(app, ada).role_names == {"learner"}
    assert client.get(page).status_code == 403


def test_a_disabled_admin_does_not_count(app):
    ada = make_user(app, "ada@example.org", Role.ADMIN)
    bob = make_user(app, "bob@example.org", Role.ADMIN)
    assert cli(app, "disable", "bob@example.org", "--reason", "left").exit_code == 0
    client = signed_in(app, "ada@example.org")
    page = f"/admin/users/{ada}"
    assert submit(client, page, {"reason": "x"}, f"{page}/disable").status_code == 409
    # A disabled admin may lose the role: they are not the one keeping the console open.
    bob_page = f"/admin/users/{bob}"
    assert submit(client, bob_page, {"reason": "gone"}, f"{bob_page}/roles").status_code == 302
    assert load_user(app, bob).role_names == {"learner"}


def test_the_command_line_obeys_the_same_rule(app):
    make_user(app, "ada@example.org", Role.ADMIN)
    make_user(app, "bob@example.org", Role.ADMIN)
    revoked = cli(app, "revoke", "bob@example.org", "admin", "--reason", "moved on")
    assert revoked.exit_code == 0, revoked.output
    assert "roles learner" in revoked.output
    for args in (("revoke", "ada@example.org", "admin"), ("disable", "ada@example.org")):
        refused = cli(app, *args)
        assert refused.exit_code == 1, args
        assert "last active administrator" in refused.output
    assert load_user(app, load_user_id(app, "bob@example.org")).role_names == {"learner"}
    ada = load_user(app, load_user_id(app, "ada@example.org"))
    assert (ada.role_names, ada.status) == ({"learner", "admin"}, "active")
    granted = cli(app, "grant", "bob@example.org", "admin")
    assert granted.exit_code == 0, granted.output
    assert cli(app, "revoke", "ada@example.org", "admin").exit_code == 0
    assert cli(app, "revoke", "ada@example.org", "learner").exit_code == 1
    twice = cli(app, "grant", "bob@example.org", "admin")
    assert twice.exit_code == 1 and "already has the admin role" in twice.output
    with app.app_context():
        logged = db.session.execute(
            select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.reason).order_by(
                AuditEntry.id
            )
        ).all()
    assert logged == [
        ("user.roles_changed", None, "moved on"),
        ("user.roles_changed", None, ""),
        ("user.roles_changed", None, ""),
    ]


def load_user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


@pytest.mark.parametrize("first", ["roles", "disable"])
def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, first):
    """Ada's change holds its transaction open while Bob's starts: Bob's waits for it
    (the admins' rows are locked; SQLite queues writers), then sees Ada's result and is
    refused, so one active administrator remains."""
    ada = make_user(app, "ada@example.org", Role.ADMIN)
    bob = make_user(app, "bob@example.org", Role.ADMIN)
    flushed = threading.Event()
    failures: list[BaseException] = []

    def ada_demotes_bob() -> None:
        try:
            with app.app_context():
                target = db.session.get(User, bob)
                if first == "roles":
                    operations.change_roles(target, set(), reason="race")
                else:
                    operations.set_status(target, "disabled", reason="race")
                flushed.set()
                time.sleep(0.5)  # Bob's change starts meanwhile
                db.session.commit()
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)
            flushed.set()

    thread = threading.Thread(target=ada_demotes_bob)
    thread.start()
    assert flushed.wait(10)
    with app.app_context(), pytest.raises(AccountChangeRefused):
        operations.change_roles(db.session.get(User, ada), set(), reason="race")
    thread.join()
    assert not failures
    assert load_user(app, ada).has_role(Role.ADMIN)
    assert load_user(app, ada).is_active
