"""Every endpoint, six roles, the real ids of learner A's records: the expected outcome,
and a refused write changes nothing.

The roles (``tests/authz_records.py``): anonymous, learner A (the owner), learner B (a
classmate in module M), instructor I (assigned to M), instructor J (assigned to M2 only),
an administrator. The outcomes are in ``tests/authz_outcomes.py``, the requests in
``tests/authz_calls.py``; docs/security.md ("Authorization") says what they cover.

One app and one set of records per database serve the whole file (writing them takes
seconds): the tests that only read or are refused come first, the matrix, whose allowed
writes retire, revoke and disable, last.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from coursekit import db
from coursekit.access import policy_of
from coursekit.accounts.models import StateLicence, User
from coursekit.api.auth import required_scope
from coursekit.api.tokens.models import Scope
from coursekit.api.tokens.operations import allowed_scopes
from tests import authz_api_calls, authz_api_outcomes, authz_calls, authz_outcomes
from tests.api_helpers import bearer, error_code, make_token
from tests.authz_records import (
    ANONYMOUS,
    EMAILS,
    INSTRUCTOR,
    OTHER,
    OTHER_TEACHER,
    OWNER,
    ROLES,
    SURNAMES,
    World,
    build_world,
    changed_tables,
    client_as,
    snapshot,
)
from tests.authz_sweep import REFUSALS, Sweep, get_misses, signed_in_token
from tests.helpers import PASSWORD
from tests.shared_records import file_app


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The records on each database, for the whole file; rows wiped afterwards."""
    folder = tmp_path_factory.mktemp("authz")
    with file_app(database_url, folder) as app:
        yield build_world(app, folder / "records")


@pytest.fixture
def app(world: World) -> Flask:
    return world.app


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_endpoint_has_an_outcome_for_every_role(app: Flask) -> None:
    rules = list(app.url_map.iter_rules())
    gets = {rule.endpoint for rule in rules if "GET" in rule.methods}
    writes = {rule.endpoint for rule in rules if rule.methods & WRITE_METHODS}
    assert set(authz_outcomes.GETS) | set(authz_api_outcomes.GETS) == gets, (
        "add each GET endpoint to authz_outcomes.GETS (pages) or authz_api_outcomes.GETS"
    )
    assert not set(authz_outcomes.GETS) & set(authz_api_outcomes.GETS)
    assert set(authz_outcomes.POSTS) | set(authz_api_outcomes.WRITES) == writes, (
        "add each write to authz_outcomes.POSTS (pages) or authz_api_outcomes.WRITES"
    )
    assert set(authz_calls.POSTS) == set(authz_outcomes.POSTS), "say how in authz_calls.POSTS"
    assert set(authz_api_calls.WRITES) == set(authz_api_outcomes.WRITES), (
        "say how to call it in authz_api_calls.WRITES"
    )
    for rule in rules:
        if rule.endpoint in authz_api_calls.WRITES:
            assert authz_api_calls.WRITES[rule.endpoint].method in rule.methods, rule.endpoint
    tables = (authz_outcomes.GETS, authz_outcomes.POSTS)
    for table in (*tables, authz_api_outcomes.GETS, authz_api_outcomes.WRITES):
        assert all(set(outcomes) == set(ROLES) for outcomes in table.values())


def rows(app: Flask, model: type, **where: object) -> list[tuple]:
    """The rows of ``model`` matching ``where``, as (id, user_id, ...) tuples."""
    with app.app_context():
        found = db.session.scalars(select(model).filter_by(**where)).all()
        return sorted((row.id, row.user_id, getattr(row, "state", None)) for row in found)


def test_ids_of_others_in_addresses_query_strings_and_json_are_refused(world: World) -> None:
    app = world.app
    clients = {role: client_as(app, role) for role in (OWNER, OTHER, INSTRUCTOR, OTHER_TEACHER)}
    with app.app_context():
        db.session.add(StateLicence(user_id=world.other_learner_id, state="OR", number="B-1"))
        db.session.commit()
    (theirs,) = rows(app, StateLicence, user_id=world.other_learner_id)
    before = snapshot(app)
    owner_token = signed_in_token(clients[OWNER], OWNER)
    remove = f"/account/licences/{theirs[0]}/remove"
    assert clients[OWNER].post(remove, data={"csrf_token": owner_token}).status_code == 404
    # A's open attempt, saved and submitted as JSON by anyone else: 404.
    attempt = f"/attempts/{world.samples.open_attempt}"
    for role in (OTHER, INSTRUCTOR, OTHER_TEACHER):
        headers = {"X-CSRFToken": signed_in_token(clients[role], role)}
        saved = clients[role].post(f"{attempt}/1", json={"response": "a"}, headers=headers)
        submitted = clients[role].post(f"{attempt}/submit", json={"confirm": True}, headers=headers)
        assert (saved.status_code, submitted.status_code) == (404, 404), role
    # A's own attempt with someone else's ids and a grade in the body: only the answer counts.
    headers = {"X-CSRFToken": owner_token, "Accept": "application/json"}
    smuggled = {
        "response": None,
        "attempt_id": world.samples.closed_attempt,
        "user_id": world.other_learner_id,
        "percent": 100,
        "passed": True,
        "closed_at": "2026-01-01T00:00:00Z",
    }
    assert clients[OWNER].post(f"{attempt}/1", json=smuggled, headers=headers).status_code == 200
    # A learner id in the instructors' learner list's query string: M's list for I only
    # pages by M's learners; J is refused before it is read.
    learners = "/teach/modules/trigger-point-foundations/report/1.0.0/learners"
    stranger = f"{learners}?after={world.other_instructor_id}"
    assert clients[INSTRUCTOR].get(stranger).status_code == 400
    assert (
        clients[OTHER_TEACHER].get(f"{learners}?after={world.samples.learner_id}").status_code
        == 403
    )
    assert changed_tables(before, snapshot(app)) == []


def test_forms_never_assign_roles_ids_or_other_peoples_data(world: World) -> None:
    app = world.app
    accounts = role_emails_and_roles(app)
    newcomer = client_as(app, ANONYMOUS)
    registered = newcomer.post(
        "/register",
        data={
            **authz_calls.MASS_ASSIGNMENT,
            "admin": "y",
            "instructor": "y",
            "first_name": "Ima",
            "last_name": "Climber",
            "email": "climber@example.org",
            "password": PASSWORD,
            "csrf_token": signed_in_token(newcomer, ANONYMOUS),
        },
    )
    assert registered.status_code == 302
    bram = client_as(app, OTHER)
    token = signed_in_token(bram, OTHER)
    takeover = {
        **authz_calls.MASS_ASSIGNMENT,
        "user_id": str(world.samples.learner_id),
        "id": str(world.samples.learner_id),
        "csrf_token": token,
    }
    profile = {"first_name": "Bram", "last_name": SURNAMES[OTHER], "nccaom_id": ""}
    assert bram.post("/account", data={**takeover, **profile}).status_code == 302
    licence = {"state": "NV", "number": "NV-9"}
    assert bram.post("/account/licences", data={**takeover, **licence}).status_code == 302
    after = role_emails_and_roles(app)
    assert {user: after[user] for user in accounts} == accounts
    (new_account,) = set(after) - set(accounts)
    assert after[new_account] == ("climber@example.org", frozenset({"learner"}))
    assert [row[2] for row in rows(app, StateLicence, user_id=world.samples.learner_id)] == ["CA"]
    assert "NV" in [row[2] for row in rows(app, StateLicence, user_id=world.other_learner_id)]


def role_emails_and_roles(app: Flask) -> dict[str, tuple[str, frozenset[str]]]:
    """Every account's e-mail address and roles, by id."""
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        return {user.id: (user.email, frozenset(user.role_names)) for user in users}


def test_api_tokens_lacking_the_scope_or_of_another_learner_change_nothing(world: World) -> None:
    """The token side of the API's writes (the matrix uses sessions): each role the
    matrix allows a write, with a token holding every scope it may give but the one the
    write needs, gets 403 insufficient_scope; B's token with every scope gets 404 on A's
    records. Scope reads and other tokens: tests/test_api_foundation.py."""
    app, misses = world.app, []
    with app.app_context():
        users = db.session.execute(select(User.email, User)).all()
        may_give = {email: (user.id, allowed_scopes(user)) for email, user in users}
    lacking = {
        (role, needed): make_token(app, may_give[email][0], *(may_give[email][1] - {needed}))
        for role, email in EMAILS.items()
        for needed in (Scope.WRITE, Scope.ADMIN)
    }
    everything = make_token(app, world.other_learner_id, "read", "write")
    before = snapshot(app)
    client = client_as(app, ANONYMOUS)
    for endpoint, call in authz_api_calls.WRITES.items():
        expected = authz_api_outcomes.WRITES[endpoint]
        with app.test_request_context():
            policy = policy_of(endpoint)
            url = url_for(endpoint, **call.arguments(world))
        if policy == "public":
            continue
        needed = required_scope(policy, call.method)
        for role in (role for role in EMAILS if expected[role] not in REFUSALS):
            headers = bearer(lacking[role, needed])
            response = client.open(url, method=call.method, json=call.body(world), headers=headers)
            if (response.status_code, error_code(response)) != (403, "insufficient_scope"):
                misses.append(
                    f"{call.method} {url}, {role}'s token without {needed}: {response.status_code}"
                )
        if expected[OWNER] not in REFUSALS and expected[OTHER] == 404:
            response = client.open(
                url, method=call.method, json=call.body(world), headers=bearer(everything)
            )
            if (response.status_code, error_code(response)) != (404, "not_found"):
                misses.append(f"{call.method} {url}, B's token: {response.status_code}")
    assert not misses, "\n".join(misses)
    assert changed_tables(before, snapshot(app)) == []


def test_every_role_gets_the_expected_outcome_from_every_endpoint(world: World) -> None:
    app = world.app
    clients = {role: client_as(app, role) for role in ROLES}
    accounts = role_emails_and_roles(app)
    misses = get_misses(world, clients)
    # The API's writes before the pages': the pages' sweep ends with A disabled.
    sweep = Sweep(world, clients)
    sweep.run(authz_api_outcomes.WRITES, sweep.send_api)
    sweep.run(authz_outcomes.POSTS, sweep.post_page)
    misses += sweep.misses
    assert not misses, f"{len(misses)} unexpected outcome(s):\n" + "\n".join(misses)
    # The one role change is the administrator's (user_admin.roles); no e-mail changed.
    after = role_emails_and_roles(app)
    learner = world.samples.learner_id
    email, roles = accounts[learner]
    assert after[learner] == (email, roles | {"instructor"})
    assert {user: after[user] for user in accounts if user != learner} == {
        user: known for user, known in accounts.items() if user != learner
    }
    assert all(roles == {"learner"} for user, (_, roles) in after.items() if user not in accounts)
