"""HTTP for the throughput part: signing learners in for real session cookies, checking
a page before it is measured, and the wrk Lua that spreads requests over many learners.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class PrecheckFailed(RuntimeError):
    """A page did not answer as it must before it may be measured."""


@dataclass(frozen=True)
class Reply:
    """One response: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass(frozen=True)
class Session:
    """A signed-in learner as a browser holds them: the cookie and the page's CSRF token."""

    email: str
    cookie: str
    csrf_token: str


def fetch(
    url: str,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> Reply:
    """One request to ``url`` + ``path`` (gunicorn's sync workers close every connection,
    so each request has its own)."""
    address = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        received = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, received, response.read())
    finally:
        connection.close()


def _session_cookie(reply: Reply, cookie: str) -> str:
    """The session cookie ``reply`` sets, else the one already held."""
    set_cookie = reply.headers.get("set-cookie", "")
    return set_cookie.split(";", 1)[0] if set_cookie.startswith("session=") else cookie


def form_body(fields: dict[str, str]) -> str:
    return urllib.parse.urlencode(fields)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def sign_in(url: str, email: str, password: str) -> Session:
    """Sign in through the login form, then open the home page once so the "signed in"
    message is shown and the cookie settles (a cookie still holding it would show it on
    every measured page). The page's sign-out form carries the CSRF token."""
    form = fetch(url, "/login")
    cookie = _session_cookie(form, "")
    token = _CSRF.search(form.text)
    if form.status != 200 or token is None:
        raise PrecheckFailed(f"/login answered {form.status} without a CSRF token")
    fields = {"csrf_token": token.group(1), "email": email, "password": password}
    signed = fetch(
        url, "/login", method="POST", headers={**FORM, "Cookie": cookie}, body=form_body(fields)
    )
    if signed.status != 302:
        raise PrecheckFailed(f"signing in {email} answered {signed.status}, not 302")
    cookie = _session_cookie(signed, cookie)
    home = fetch(url, "/", headers={"Cookie": cookie})
    token = _CSRF.search(home.text)
    if home.status != 200 or token is None:
        raise PrecheckFailed(f"{email}'s home page answered {home.status} after sign-in")
    return Session(email, _session_cookie(home, cookie), token.group(1))


def sign_in_all(url: str, emails: Sequence[str], password: str) -> dict[str, Session]:
    """Every learner signed in (four at a time: both workers busy, none queued long)."""
    with ThreadPoolExecutor(4) as pool:
        sessions = pool.map(lambda email: sign_in(url, email, password), emails)
        return {session.email: session for session in sessions}


@dataclass(frozen=True)
class Planned:
    """One request wrk will send: method, path, headers and body."""

    path: str
    headers: dict[str, str]
    method: str = "GET"
    body: str | None = None


def _lua_row(item: Planned) -> str:
    headers = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in item.headers.items())
    body = json.dumps(item.body) if item.body is not None else "nil"
    return f"{{{json.dumps(item.method)}, {json.dumps(item.path)}, {{{headers}}}, {body}}}"


def rotation_lua(requests: Sequence[Planned], threads: int, *, cycle: bool) -> str:
    """A wrk ``request`` hook that sends ``requests`` in turn. With ``cycle`` every wrk
    thread goes round all of them, each from its own starting point; without, each
    thread sends its own share once (a submission closes its attempt) and then asks for a
    path that is not there, so running out shows as errors, never as repeats."""
    rows = ",\n".join(_lua_row(item) for item in requests)
    return f"""
local cycle = {"true" if cycle else "false"}
local planned = {{
{rows}
}}
local mine = {{}}
local turn = 0
init = function(args)
  for i, item in ipairs(planned) do
    if cycle or (i - 1) % {threads} == thread_index then
      table.insert(mine, wrk.format(item[1], item[2], item[3], item[4]))
    end
  end
  if cycle then turn = math.floor(#mine * thread_index / {threads}) end
end
request = function()
  turn = turn + 1
  if turn > #mine then
    if cycle then turn = 1 else return wrk.format("GET", "/bench-ran-out") end
  end
  return mine[turn]
end
"""
