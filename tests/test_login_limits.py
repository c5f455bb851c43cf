"""Sign-in rate limits on real gunicorn workers sharing Redis, over real sockets.

Three sync workers answer; every request opens a new connection, so the kernel hands
them to different workers (the access log names the worker's process id). The limits
must hold in total, not per worker. Client addresses are distinct loopback addresses
(``127.x.y.z`` all reach the server on Linux), so no ``X-Forwarded-For`` is involved: the
app reads the socket's address unless ``COURSEKIT_TRUSTED_PROXIES`` says otherwise.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

import pytest

from bench.servers import Gunicorn
from coursekit import create_app
from tests.helpers import PASSWORD, app_config, client_from, login, make_user

REDIS_URL = os.environ.get("COURSEKIT_TEST_REDIS_URL")
PER_IP, PER_ACCOUNT = 8, 3
WRONG = "not the password"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_ACCESS = re.compile(r'^<(\d+)> (\S+) "POST /login HTTP/1\.\d" (\d+)$', re.MULTILINE)


class Answer(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    text: str


class Browser:
    """A browser at client address ``address``: it keeps its session cookie and opens a
    new connection for every request."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address, self.cookie = port, address, ""

    def request(self, method: str, path: str, body: str = "", **headers: str) -> Answer:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        try:
            if self.cookie:
                headers["Cookie"] = self.cookie
            if body:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return Answer(response.status, response.headers, text)

    def login(self, email: str, password: str = WRONG, **headers: str) -> Answer:
        """One sign-in attempt through the form (its CSRF token from a GET first)."""
        token = _CSRF.search(self.request("GET", "/login").text)[1]
        form = urlencode({"csrf_token": token, "email": email, "password": password})
        return self.request("POST", "/login", form, **headers)


def somewhere() -> str:
    """A fresh loopback client address, so no earlier run's counters in Redis apply."""
    return "127." + ".".join(str(1 + secrets.randbelow(253)) for _ in range(3))


def stranger() -> str:
    return f"nobody-{secrets.token_hex(6)}@example.org"


class Server(NamedTuple):
    port: int
    log: Path
    account: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not REDIS_URL:
        pytest.skip("shared rate limits need COURSEKIT_TEST_REDIS_URL")
    folder = tmp_path_factory.mktemp("gunicorn")
    url = f"sqlite:///{folder / 'coursekit.sqlite3'}"
    # Migrate and add the account once here: three workers starting on an empty
    # database would race to create it.
    app = create_app(app_config(url))
    account = f"ann-{secrets.token_hex(6)}@example.org"
    make_user(app, account)
    app.extensions["coursekit"].db.engine.dispose()
    env = {
        "COURSEKIT_DATABASE_URL": url,
        "COURSEKIT_INSTANCE_PATH": str(folder / "instance"),
        "COURSEKIT_SECRET_KEY": "gunicorn-test-secret",
        "COURSEKIT_PUBLISH_ON_START": "false",
        "COURSEKIT_SECURE_COOKIES": "false",  # plain HTTP on loopback
        "COURSEKIT_RATELIMIT_STORAGE_URI": REDIS_URL,
        "COURSEKIT_LOGIN_LIMIT_PER_IP": f"{PER_IP} per minute",
        "COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT": f"{PER_ACCOUNT} per minute",
    }
    access = ("--access-logfile", "-", "--access-logformat", '%(p)s %(h)s "%(r)s" %(s)s')
    log = folder / "gunicorn.log"
    with Gunicorn(env, workers=3, ready_path="/login", log=log, options=access) as running:
        yield Server(running.port, log, account)


def workers_that_answered(server: Server, address: str) -> set[str]:
    """The process ids of the workers that answered ``address``'s sign-ins."""
    return {pid for pid, host, _ in _ACCESS.findall(server.log.read_text()) if host == address}


def test_the_per_address_limit_holds_across_workers(server: Server):
    address = somewhere()
    attacker = Browser(server.port, address)
    statuses = [attacker.login(stranger()).status for _ in range(PER_IP + 4)]
    assert statuses == [422] * PER_IP + [429] * 4
    assert len(workers_that_answered(server, address)) >= 2
    # A neighbour at another address is not affected.
    assert Browser(server.port, somewhere()).login(stranger()).status == 422


def test_the_limit_page_is_a_clear_429_with_retry_after(server: Server):
    attacker = Browser(server.port, somewhere())
    for _ in range(PER_IP):
        attacker.login(stranger())
    refused = attacker.login(stranger())
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many attempts" in refused.text and "Traceback" not in refused.text
    assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]


def test_the_per_account_limit_holds_across_addresses_and_workers(server: Server):
    statuses = [
        Browser(server.port, somewhere()).login(server.account).status
        for _ in range(PER_ACCOUNT + 2)
    ]
    assert statuses == [422] * PER_ACCOUNT + [429, 429]
    # The right password waits too, from a new address: the limit guards the account.
    late = Browser(server.port, somewhere()).login(server.account, PASSWORD)
    assert late.status == 429


def test_one_address_trying_many_accounts_meets_the_address_limit_not_theirs(server: Server):
    one = Browser(server.port, somewhere())
    statuses = [one.login(stranger()).status for _ in range(PER_ACCOUNT + 1)]
    assert statuses == [422] * (PER_ACCOUNT + 1)  # each account tried once


def test_x_forwarded_for_is_ignored_without_trusted_proxies(server: Server):
    """An attacker cannot rotate addresses by writing the header themselves."""
    attacker = Browser(server.port, somewhere())
    statuses = [
        attacker.login(stranger(), **{"X-Forwarded-For": somewhere()}).status
        for _ in range(PER_IP + 1)
    ]
    assert statuses == [422] * PER_IP + [429]


def test_behind_a_trusted_proxy_the_forwarded_address_counts(make_app):
    """With ``COURSEKIT_TRUSTED_PROXIES=1`` the proxy's ``X-Forwarded-For`` names the
    client (its last entry: the one the proxy itself added)."""
    app = make_app(COURSEKIT_TRUSTED_PROXIES=1, COURSEKIT_LOGIN_LIMIT_PER_IP="2 per minute")
    proxy = client_from(app, "10.9.9.9")

    def attempt(forwarded: str) -> int:
        proxy.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
        return login(proxy, stranger(), "wrong").status_code

    assert [attempt("spoofed, 203.0.113.5") for _ in range(3)] == [422, 422, 429]
    assert attempt("spoofed-again, 203.0.113.6") == 422  # another client behind the proxy
