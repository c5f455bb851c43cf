"""A webhook receiver on 127.0.0.1 for tests: it checks each delivery's signature with
``coursekit.webhooks.verify_signature``, as a real receiver would, and deduplicates by
event id. It can fail (500), or hold a delivery unanswered, on request."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from coursekit.webhooks import SignatureRefused, verify_signature


@dataclass(frozen=True)
class Arrival:
    event_id: str
    event_type: str
    valid: bool
    body: dict | None


class Receiver:
    """Arrivals in ``arrivals`` (every request, valid or not); the events it acted on in
    ``processed`` (event id → body), each once. ``secrets`` are the ones it accepts."""

    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.arrivals: list[Arrival] = []
        self.processed: dict[str, dict] = {}
        self.fail_next = 0
        self.hold = threading.Event()
        self.hold.set()
        self.held = threading.Event()
        """Set when a request waits on ``hold``."""
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks"

    def close(self) -> None:
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()

    def counts(self) -> dict[str, int]:
        """How many times each event id arrived with a valid signature."""
        counted: dict[str, int] = {}
        for arrival in self.arrivals:
            if arrival.valid:
                counted[arrival.event_id] = counted.get(arrival.event_id, 0) + 1
        return counted

    def _receive(self, headers, raw: bytes) -> int:
        try:
            body = verify_signature(self.secrets, headers, raw)
        except SignatureRefused:
            refused = Arrival(headers.get("CourseKit-Event-Id", ""), "", False, None)
            with self.lock:
                self.arrivals.append(refused)
            return 400
        with self.lock:
            self.arrivals.append(Arrival(body["id"], body["type"], True, body))
            if self.fail_next:
                self.fail_next -= 1
                return 500
            # Acted on before answering: an answer lost on the way is a delivery the
            # receiver has, and the retry must be recognised as one.
            self.processed.setdefault(body["id"], body)
        if not self.hold.is_set():
            self.held.set()
            self.hold.wait(30)
        return 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver._receive(self.headers, raw)
                body = b"ok" if status == 200 else b"refused"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the sender went away while the answer was held

        return Handler
