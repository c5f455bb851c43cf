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
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from werkzeug.test import TestResponse

from coursekit import create_app, db
from coursekit.accounts.models import StateLicence, User
from coursekit.models import Base
from tests import authz_calls, authz_outcomes
from tests.authz_outcomes import LOGIN, Outcome
from tests.authz_records import (
    ANONYMOUS,
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
from tests.certificate_records import certificate_settings
from tests.helpers import PASSWORD, app_config, csrf_token
from tests.test_seminars import ROOT

# Pages that show a learner's name to whoever opens them, on purpose: a certificate's
# verification page is for anyone holding its code.
NAMES_SHOWN_TO_ANYONE = {"coursekit.verify.certificate", "coursekit.verify.certificate_json"}
# Roles whose pages may show no learner but themselves (I and admins see M's learners).
NAME_CHECKED = (ANONYMOUS, OWNER, OTHER, OTHER_TEACHER)
REFUSALS = (403, 404, LOGIN)


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The records on each database, for the whole file; rows wiped afterwards."""
    folder = tmp_path_factory.mktemp("authz")
    outbox: list[EmailMessage] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSEKIT_INSTANCE_PATH", str(folder / "instance"))
        app = create_app(
            app_config(
                database_url,
                COURSEKIT_MAIL_SENDER=lambda _app, message: outbox.append(message),
                COURSEKIT_MODULES_PATH=str(ROOT / "modules"),
                COURSEKIT_PUBLISH_ON_START=True,
                **certificate_settings(),
            )
        )
        try:
            yield build_world(app, folder / "records")
        finally:
            engine = app.extensions["coursekit"].db.engine
            with engine.begin() as connection:
                for table in reversed(Base.metadata.sorted_tables):
                    connection.execute(delete(table))
            engine.dispose()


@pytest.fixture
def app(world: World) -> Flask:
    return world.app


def address(app: Flask, endpoint: str, arguments: dict) -> str:
    with app.test_request_context():
        return url_for(endpoint, **arguments)


def signed_in_token(client: FlaskClient, role: str) -> str:
    return csrf_token(client, "/login" if role == ANONYMOUS else "/account")


def wrong_outcome(world: World, expected: Outcome, response: TestResponse) -> str:
    """Why ``response`` is not ``expected`` (empty when it is)."""
    if isinstance(expected, int):
        return "" if response.status_code == expected else f"answered {response.status_code}"
    target = expected.format(**vars(world.samples), **vars(world))
    location = urlsplit(response.headers.get("Location", "")).path
    if 300 <= response.status_code < 400 and location == target:
        return ""
    return f"answered {response.status_code} {location or ''}, not a redirect to {target}"


def leaked_names(endpoint: str, role: str, response: TestResponse) -> list[str]:
    """Surnames of learners other than ``role`` that the response shows ``role``."""
    if role not in NAME_CHECKED or response.status_code != 200:
        return []
    return [
        surname
        for learner, surname in SURNAMES.items()
        if learner != role
        and surname.encode() in response.data
        and not (learner == OWNER and endpoint in NAMES_SHOWN_TO_ANYONE)
    ]


def test_every_endpoint_has_an_outcome_for_every_role(app: Flask) -> None:
    rules = list(app.url_map.iter_rules())
    gets = {rule.endpoint for rule in rules if "GET" in rule.methods}
    posts = {rule.endpoint for rule in rules if "POST" in rule.methods}
    assert set(authz_outcomes.GETS) == gets, "add each GET endpoint to authz_outcomes.GETS"
    assert set(authz_outcomes.POSTS) == posts, "add each POST endpoint to authz_outcomes.POSTS"
    assert set(authz_calls.POSTS) == posts, "say how to call it in authz_calls.POSTS"
    for table in (authz_outcomes.GETS, authz_outcomes.POSTS):
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


def get_misses(world: World, clients: dict[str, FlaskClient]) -> list[str]:
    """Every GET whose outcome is not the table's, or that shows another learner's name."""
    misses = []
    for endpoint, expected in authz_outcomes.GETS.items():
        url = address(world.app, endpoint, authz_calls.get(endpoint).arguments(world))
        for role in ROLES:
            response = clients[role].get(url)
            response.get_data()  # a streamed body, while its request is the current one
            if problem := wrong_outcome(world, expected[role], response):
                misses.append(f"GET {url} as {role}: {problem}")
            for surname in leaked_names(endpoint, role, response):
                misses.append(f"GET {url} as {role} shows {surname}")
    return misses


def post_misses(world: World, clients: dict[str, FlaskClient]) -> list[str]:
    """Every POST whose outcome is not the table's, or that was refused (or refused its
    input) yet changed a table.

    Each endpoint hears from the refused roles first, together between two snapshots of
    the database, then from each allowed role (between two snapshots when it should be
    turned away with a 4xx). Anonymous posts come from a fresh client each time, so
    registering does not sign the next one in.
    """
    app, misses = world.app, []
    extras = authz_calls.mass_assignment(world)
    tokens = {role: signed_in_token(clients[role], role) for role in ROLES if role != ANONYMOUS}

    def post(endpoint: str, url: str, role: str) -> int:
        client = client_as(app, role) if role == ANONYMOUS else clients[role]
        token = signed_in_token(client, role) if role == ANONYMOUS else tokens[role]
        form = {**extras, **authz_calls.POSTS[endpoint].form(world), "csrf_token": token}
        response = client.post(url, data=form)
        response.get_data()
        expected = authz_outcomes.POSTS[endpoint][role]
        if problem := wrong_outcome(world, expected, response):
            misses.append(f"POST {url} as {role}: {problem}")
        return response.status_code

    for endpoint, call in authz_calls.POSTS.items():
        expected = authz_outcomes.POSTS[endpoint]
        url = address(app, endpoint, call.arguments(world))
        refused = [role for role in ROLES if expected[role] in REFUSALS]
        before = snapshot(app)
        for role in refused:
            post(endpoint, url, role)
        if changed := changed_tables(before, snapshot(app)):
            misses.append(f"POST {url} as {', '.join(refused)}, refused, changed {changed}")
        for role in (role for role in ROLES if role not in refused):
            turned_away = isinstance(expected[role], int) and expected[role] >= 400
            before = snapshot(app) if turned_away else {}
            status = post(endpoint, url, role)
            if turned_away and (changed := changed_tables(before, snapshot(app))):
                misses.append(f"POST {url} as {role} answered {status}, changed {changed}")
    return misses


def test_every_role_gets_the_expected_outcome_from_every_endpoint(world: World) -> None:
    app = world.app
    clients = {role: client_as(app, role) for role in ROLES}
    accounts = role_emails_and_roles(app)
    misses = get_misses(world, clients) + post_misses(world, clients)
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
