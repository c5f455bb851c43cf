"""A host app's user and their coursekit account: linked by the host's user id, created
on the first visit ("Complete your CE profile"), no password, refused input changes
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from coursekit import db, signals
from coursekit.accounts.host.operations import link_host_user
from coursekit.accounts.models import AccountStatus, Role, User
from coursekit.accounts.operations import set_status
from coursekit.audit.models import AuditEntry
from coursekit.models import Base
from tests.helpers import csrf_token, make_user
from tests.page_catalogue import PAGES
from tests.querycount import queries_for
from tests.test_access import EXPECTED_POLICIES
from tests.test_host_app import make_host_app

COMPLETE = "/ce/account/complete"
PROFILE = {"first_name": "Mei", "last_name": "Lin", "email": "mei@host.example"}


@pytest.fixture
def host(database_url: str) -> Iterator[Flask]:
    app = make_host_app(database_url, with_coursekit=True)
    app.config["COURSEKIT_RAISE_ON_LAZY_LOAD"] = True
    app.extensions["coursekit"].db.raise_on_lazy_load = True
    yield app
    engine = app.extensions["coursekit"].db.engine
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    engine.dispose()


def signed_in(app: Flask, host_user_id: str = "42") -> FlaskClient:
    client = app.test_client()
    client.get(f"/host-login?as={host_user_id}")
    return client


def accounts(app: Flask) -> list[tuple[str | None, str, str | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(User.host_user_id, User.email, User.password_hash).order_by(User.id)
        )
        return [tuple(row) for row in rows]


def complete(client: FlaskClient, url: str = COMPLETE, **fields: str):
    return client.post(url, data={"csrf_token": csrf_token(client, url), **PROFILE, **fields})


def test_the_first_visit_creates_the_linked_account_and_continues(host):
    client = signed_in(host)
    to_complete = client.get("/ce/dashboard?tab=open")
    assert to_complete.status_code == 302
    url = to_complete.headers["Location"]
    assert urlsplit(url).path == COMPLETE
    assert parse_qs(urlsplit(url).query) == {"next": ["/ce/dashboard?tab=open"]}
    registered = []

    def on_registered(_app: Flask, user: User) -> None:
        registered.append(user.email)

    with signals.user_registered.connected_to(on_registered, host):
        response = complete(client, url, nccaom_id="12345")
    assert response.status_code == 302
    assert response.headers["Location"] == "/ce/dashboard?tab=open"
    assert accounts(host) == [("42", "mei@host.example", None)]
    assert registered == ["mei@host.example"]
    with host.app_context():
        user = db.session.scalar(select(User).where(User.host_user_id == "42"))
        assert (user.full_name, user.nccaom_id, user.role_names) == (
            "Mei Lin",
            "12345",
            {Role.LEARNER},
        )
    profile = client.get("/ce/account")
    assert profile.status_code == 200
    assert 'value="Mei"' in profile.text
    assert "Your CE profile is ready" in profile.text
    # Once linked, the first-visit page sends the learner on.
    assert client.get(COMPLETE).headers["Location"] == "/ce/dashboard"


def test_the_form_is_prefilled_with_the_host_users_email(host):
    page = signed_in(host, "7").get(COMPLETE)
    assert page.status_code == 200
    assert 'value="member7@host.example"' in page.text


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"first_name": " "}, "This field is required."),
        ({"last_name": "x" * 101}, "Field cannot be longer than 100 characters."),
        ({"email": "not an address"}, "email address"),
        ({"nccaom_id": "0123"}, "does not start with 0"),
    ],
)
def test_invalid_details_are_refused_and_nothing_is_created(host, fields, field_error):
    client = signed_in(host)
    response = complete(client, **fields)
    assert response.status_code == 422
    assert field_error in response.text
    assert accounts(host) == []
    assert client.get("/ce/account").status_code == 302  # still sent to complete it


def test_an_email_another_account_holds_is_refused_not_taken_over(host):
    make_user(host, "mei@host.example")
    client = signed_in(host)
    response = complete(client)
    assert response.status_code == 422
    assert "Another CE account already uses this email" in response.text
    assert [row[0] for row in accounts(host)] == [None]


def test_the_form_needs_its_csrf_token(host):
    client = signed_in(host)
    response = client.post(COMPLETE, data=PROFILE)
    assert response.status_code == 400
    assert accounts(host) == []


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_next_never_leaves_the_site(host, target):
    client = signed_in(host)
    response = complete(client, f"{COMPLETE}?next={quote(target)}")
    assert response.headers["Location"] == "/ce/dashboard"


def test_signed_out_visitors_are_sent_to_the_host_login(host):
    response = host.test_client().get(COMPLETE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/host-login")


def test_an_unlinked_users_post_changes_nothing_and_leads_to_the_profile_form(host):
    client = signed_in(host)
    token = csrf_token(client, COMPLETE)
    response = client.post("/ce/account/licences", data={"csrf_token": token, "state": "CA"})
    assert response.status_code == 302
    assert response.headers["Location"] == COMPLETE
    assert accounts(host) == []


def test_a_disabled_linked_account_is_refused_not_sent_to_create_another(host):
    with host.app_context():
        make_user(host, "admin@host.example", Role.ADMIN)
        user = link_host_user(host_user_id="42", **PROFILE)
        set_status(user, AccountStatus.DISABLED, reason="left the practice")
        db.session.commit()
    client = signed_in(host)
    assert client.get("/ce/account").status_code == 403
    assert client.get(COMPLETE).headers["Location"] == "/ce/dashboard"
    assert client.get("/ce/dashboard").status_code == 403
    with host.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_the_host_owns_roles_through_the_cli_and_each_host_user_has_their_own_account(host):
    complete(signed_in(host, "42"))
    other = signed_in(host, "43")
    complete(other, email="kai@host.example", first_name="Kai")
    assert other.get("/ce/admin/users").status_code == 403
    result = host.test_cli_runner().invoke(
        args=["coursekit", "users", "grant", "kai@host.example", "admin", "--reason", "owner"]
    )
    assert result.exit_code == 0, result.output
    assert other.get("/ce/admin/users").status_code == 200
    assert signed_in(host, "42").get("/ce/admin/users").status_code == 403


def test_a_host_users_account_costs_what_a_standalone_learners_does(host):
    client = signed_in(host)
    complete(client)
    statements = queries_for(host, client, "/ce/account")
    assert len(statements) == PAGES["coursekit.account.profile"][""].queries


def test_the_host_can_create_accounts_itself_then_no_form_is_shown(host):
    with host.app_context():
        link_host_user(host_user_id="42", **PROFILE)
        db.session.commit()
    assert signed_in(host).get("/ce/account").status_code == 200
    with host.app_context(), pytest.raises(Exception, match="already has a CE profile"):
        link_host_user(host_user_id="42", **{**PROFILE, "email": "again@host.example"})


def test_every_mounted_endpoint_declares_its_policy(host):
    from coursekit.access import policy_of

    with host.test_request_context():
        declared = {
            rule.endpoint: policy_of(rule.endpoint)
            for rule in host.url_map.iter_rules()
            if rule.endpoint.startswith("coursekit.")
        }
    expected = {
        endpoint: policy
        for endpoint, policy in EXPECTED_POLICIES.items()
        if not endpoint.startswith("coursekit.auth.")
    }
    assert declared == {**expected, "coursekit.host_profile.complete": "signed-in"}


def link(host: Flask, *arguments: str):
    return host.test_cli_runner().invoke(args=["coursekit", "users", "link", *arguments])


def test_an_account_made_before_mounting_is_linked_with_its_records(host):
    """A learner who registered with CourseKit's own sign-up, before the site mounted
    it, is linked to their host user by the provider: their records follow, the audit
    log names the link, and every refusal changes nothing."""
    with host.app_context():
        make_user(host, "mei@host.example", first_name="Mei", last_name="Lin")
    assert link(host, "mei@host.example", "42").exit_code != 0  # no reason
    assert link(host, "nobody@host.example", "42", "--reason", "x").exit_code != 0
    assert link(host, "mei@host.example", "x" * 256, "--reason", "x").exit_code != 0
    assert [row[0] for row in accounts(host)] == [None]
    done = link(host, "mei@host.example", "42", "--reason", "registered before the move")
    assert done.exit_code == 0, done.output
    assert "host user '42'" in done.output
    client = signed_in(host, "42")
    assert client.get("/ce/account").status_code == 200  # no profile form: it is theirs
    again = link(host, "mei@host.example", "43", "--reason", "moved")
    assert again.exit_code == 1 and "already linked to host user '42'" in again.output
    complete(signed_in(host, "43"), email="kai@host.example", first_name="Kai")
    taken = link(host, "mei@host.example", "43", "--reason", "merge")
    assert taken.exit_code == 1
    with host.app_context():
        make_user(host, "old@host.example")
    held = link(host, "old@host.example", "43", "--reason", "merge")
    assert held.exit_code == 1 and "already has the CE account kai@host.example" in held.output
    assert [row[:2] for row in accounts(host)] == [
        ("42", "mei@host.example"),
        ("43", "kai@host.example"),
        (None, "old@host.example"),
    ]
    with host.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "user.host_linked")
        ).all()
        assert [(e.details["host_user_id"], e.reason) for e in entries] == [
            ("42", "registered before the move")
        ]
