"""The authorization matrix's machinery: how it calls each endpoint as each role and
what it counts as a wrong outcome (``tests/test_authz_matrix.py`` holds the tests)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from coursekit.api.endpoint import declaration_of
from tests import authz_api_calls, authz_api_outcomes, authz_calls, authz_outcomes
from tests.authz_outcomes import LOGIN, Outcome
from tests.authz_records import (
    ANONYMOUS,
    OTHER,
    OTHER_TEACHER,
    OWNER,
    ROLES,
    SURNAMES,
    World,
    changed_tables,
    client_as,
    snapshot,
)
from tests.helpers import csrf_token

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
API = "coursekit.api."


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
