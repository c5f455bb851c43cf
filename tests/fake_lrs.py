"""A fake Learning Record Store on 127.0.0.1, for tests of the xAPI outbox."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

USERNAME = "coursekit"
PASSWORD = "right"


class FakeLrs:
    """An LRS on 127.0.0.1 that checks the credentials and the version header, fails
    on request, and, like some real ones, answers a batch holding a known id with 409
    (storing nothing of it). ``stored`` keeps every statement stored, in order."""

    def __init__(self, port: int = 0, *, password: str = PASSWORD) -> None:
        self.password = password
        self.stored: list[dict] = []
        self.requests: list[tuple[str, int]] = []
        self.fail_next = 0
        self.accept_then_fail: int | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/xapi/"

    @property
    def ids(self) -> list[str]:
        return [statement["id"] for statement in self.stored]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_POST(self) -> None:
                self._answer(lrs._post)

            def do_PUT(self) -> None:
                self._answer(lrs._put)

            def _answer(self, action) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = lrs._check(self.headers, self.command, body)
                if status is None:
                    status = action(body, parse_qs(urlsplit(self.path).query))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler

    def _check(self, headers, method: str, body) -> int | None:
        self.requests.append((method, len(body) if isinstance(body, list) else 1))
        if headers["Authorization"] != "Basic " + _basic(USERNAME, self.password):
            return 401
        if headers["X-Experience-API-Version"] != "1.0.3":
            return 400
        if self.fail_next:
            self.fail_next -= 1
            return 500
        if self.accept_then_fail is not None:
            if self.accept_then_fail == 0:
                return 503
            self.accept_then_fail -= 1
        return None

    def _post(self, batch: list[dict], _query) -> int:
        if len({s["id"] for s in batch}) != len(batch):
            return 400
        known = {s["id"]: s for s in self.stored}
        if any(s["id"] in known for s in batch):
            return 409
        self.stored.extend(batch)
        return 200

    def _put(self, built: dict, query) -> int:
        if query.get("statementId") != [built["id"]]:
            return 400
        known = {s["id"]: s for s in self.stored}
        if built["id"] in known:
            return 204 if known[built["id"]] == built else 409
        self.stored.append(built)
        return 204


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()
