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

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from werkzeug.test import TestResponse

from coursekit import create_app, db
from coursekit.accounts.models import StateLicence, User
from coursekit.api.endpoint import declaration_of
from coursekit.models import Base
from tests import authz_api_calls, authz_api_outcomes, authz_calls, authz_outcomes
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
NAMES_SHOWN_TO_ANYONE = {
    "coursekit.verify.certificate",
    "coursekit.verify.certificate_json",
    "coursekit.api.verification",
}
# Roles whose pages may show no learner but themselves (I and admins see M's learners).
NAME_CHECKED = (ANONYMOUS, OWNER, OTHER, OTHER_TEACHER)
REFUSALS = (401, 403, 404, LOGIN)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
API = "coursekit.api."


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


def not_an_envelope(endpoint: str, response: TestResponse) -> str:
    """Why an API refusal is not the error envelope (empty when it is, or is no API's)."""
    if not endpoint.startswith(API) or response.status_code < 400:
        return ""
    body = response.get_json(silent=True)
    if isinstance(body, dict) and set(body) == {"error"} and "code" in body["error"]:
        return ""
    return f"answered {response.status_code} {response.content_type}, not the error envelope"


def get_misses(world: World, clients: dict[str, FlaskClient]) -> list[str]:
    """Every GET whose outcome is not the table's, or that shows another learner's name."""
    misses = []
    for endpoint, expected in {**authz_outcomes.GETS, **authz_api_outcomes.GETS}.items():
        url = address(world.app, endpoint, authz_calls.get(endpoint).arguments(world))
        for role in ROLES:
            response = clients[role].get(url)
            response.get_data()  # a streamed body, while its request is the current one
            if problem := wrong_outcome(world, expected[role], response):
                misses.append(f"GET {url} as {role}: {problem}")
            if problem := not_an_envelope(endpoint, response):
                misses.append(f"GET {url} as {role}: {problem}")
            for surname in leaked_names(endpoint, role, response):
                misses.append(f"GET {url} as {role} shows {surname}")
    return misses


class Sweep:
    """Sends each write of a table as each role and collects what went wrong.

    Each endpoint hears from the refused roles first, together between two snapshots of
    the database, then from each allowed role (between two snapshots when it should be
    turned away with a 4xx). Anonymous requests come from a fresh client each time, so
    registering does not sign the next one in.
    """

    def __init__(self, world: World, clients: dict[str, FlaskClient]) -> None:
        self.world, self.app, self.clients = world, world.app, clients
        self.tokens = {role: signed_in_token(clients[role], role) for role in ROLES[1:]}
        self.misses: list[str] = []

    def client(self, role: str) -> tuple[FlaskClient, str]:
        """The role's client and CSRF token."""
        if role == ANONYMOUS:
            client = client_as(self.app, role)
            return client, signed_in_token(client, role)
        return self.clients[role], self.tokens[role]

    def check(self, label: str, endpoint: str, expected: Outcome, response: TestResponse) -> None:
        response.get_data()
        for problem in (
            wrong_outcome(self.world, expected, response),
            not_an_envelope(endpoint, response),
        ):
            if problem:
                self.misses.append(f"{label}: {problem}")

    def run(self, table: dict[str, dict], send: Callable[[str, str, bool], str]) -> None:
        """``send(endpoint, role, refused)`` makes one request, checks it and returns its
        label (method, address, role)."""
        for endpoint, expected in table.items():
            refused = [role for role in ROLES if expected[role] in REFUSALS]
            before = snapshot(self.app)
            labels = [send(endpoint, role, True) for role in refused]
            if changed := changed_tables(before, snapshot(self.app)):
                self.misses.append(f"{', '.join(labels)}: refused, changed {changed}")
            for role in (role for role in ROLES if role not in refused):
                turned_away = isinstance(expected[role], int) and expected[role] >= 400
                before = snapshot(self.app) if turned_away else {}
                label = send(endpoint, role, False)
                if turned_away and (changed := changed_tables(before, snapshot(self.app))):
                    self.misses.append(f"{label}: turned away, changed {changed}")

    def post_page(self, endpoint: str, role: str, _refused: bool) -> str:
        """A page's form, with the mass-assignment fields, as a browser sends it."""
        call, world = authz_calls.POSTS[endpoint], self.world
        url = address(self.app, endpoint, call.arguments(world))
        client, token = self.client(role)
        form = {**authz_calls.mass_assignment(world), **call.form(world), "csrf_token": token}
        label = f"POST {url} as {role}"
        self.check(
            label, endpoint, authz_outcomes.POSTS[endpoint][role], client.post(url, data=form)
        )
        return label

    def send_api(self, endpoint: str, role: str, refused: bool) -> str:
        """An API write as the role's session (the CSRF token in its header). An allowed
        role first sends the mass-assignment fields on top of the body, to an endpoint
        that reads one: 422 naming each, and nothing changes."""
        call, world = authz_api_calls.WRITES[endpoint], self.world
        url = address(self.app, endpoint, call.arguments(world))
        client, token = self.client(role)
        body = (
            call.body(world) if refused or call.allowed_body is None else call.allowed_body(world)
        )
        label = f"{call.method} {url} as {role}"
        if not refused and reads_a_body(self.app, endpoint):
            extras = authz_api_calls.api_mass_assignment(world)
            before = snapshot(self.app)
            response = client.open(
                url, method=call.method, json={**body, **extras}, headers={"X-CSRFToken": token}
            )
            fields = (response.get_json(silent=True) or {}).get("error", {}).get("fields", {})
            if response.status_code != 422 or not set(extras) <= set(fields):
                self.misses.append(f"{label} with {sorted(extras)}: {response.status_code}")
            if changed := changed_tables(before, snapshot(self.app)):
                self.misses.append(f"{label} with {sorted(extras)}: changed {changed}")
        response = client.open(url, method=call.method, json=body, headers={"X-CSRFToken": token})
        self.check(label, endpoint, authz_api_outcomes.WRITES[endpoint][role], response)
        return label


def reads_a_body(app: Flask, endpoint: str) -> bool:
    """Whether the API endpoint declares a JSON body."""
    declared = declaration_of(app.view_functions[endpoint])
    return declared is not None and declared.body is not None


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
