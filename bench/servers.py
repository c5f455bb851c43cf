"""Real servers for the benchmarks: gunicorn on loopback, and wrk to load it.

``Gunicorn`` runs ``wsgi:app`` (or another app) with sync workers in its own process, as a
provider would; ``wrk`` drives one URL and reports throughput and latency percentiles
(50/95/99, from wrk's own histogram through a Lua ``done`` hook). Each wrk thread's Lua
state gets ``thread_index`` (0, 1, ...) before its ``init``, so a ``request`` hook can
take its own share of a list; with ``expect_status`` a ``response`` hook counts the
responses with any other status (redirects included, which wrk does not count as errors).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

REPORT_LUA = """
local threads = {}
setup = function(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end
done = function(summary, latency, requests)
  local errors = summary.errors
  local unexpected = 0
  for _, thread in ipairs(threads) do
    unexpected = unexpected + (thread:get("unexpected") or 0)
  end
  io.write(string.format(
    'WRK-REPORT {"requests": %d, "duration_us": %d, "status_errors": %d, '
    .. '"socket_errors": %d, "unexpected": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, unexpected,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
EXPECT_LUA = """
unexpected = 0
response = function(status, headers, body)
  if status ~= %d then unexpected = unexpected + 1 end
end
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (VmRSS)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise ValueError(f"no VmRSS for process {pid}")


def children(pid: int) -> list[int]:
    """The direct child processes of ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces; the parent pid follows its closing bracket.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


class Gunicorn:
    """``gunicorn -w WORKERS`` serving ``app`` on a free loopback port, with ``env`` (and
    further command-line ``options``, such as an access log).

    Use as a context manager; ``url`` is the base address once it answers ``ready_path``.
    """

    def __init__(
        self,
        env: dict[str, str],
        *,
        app: str = "wsgi:app",
        workers: int = 2,
        ready_path: str = "/",
        log: Path | None = None,
        options: tuple[str, ...] = (),
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env}
        self.app = app
        self.workers = workers
        self.ready_path = ready_path
        self.options = options
        self.log = log or Path(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        command = [
            sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
            "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", *self.options,
            self.app,
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2):
                    pass
                if len(self.worker_pids()) == self.workers:
                    return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log}")

    def __exit__(self, *exc_info: Any) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return children(self.process.pid)

    def worker_rss_kib(self) -> list[int]:
        """Resident memory of each worker, in KiB."""
        return [rss_kib(pid) for pid in self.worker_pids()]


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured."""

    requests: int
    seconds: float
    status_errors: int
    socket_errors: int
    unexpected: int
    """Responses whose status was not ``expect_status`` (0 when none was given)."""
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def wrk(
    url: str,
    *,
    seconds: float = 10,
    connections: int = 16,
    threads: int = 2,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    script: str = "",
    expect_status: int | None = None,
) -> WrkResult:
    """Load ``url`` with wrk for ``seconds``; ``script`` is extra Lua (a ``request`` hook,
    say) run before the report hook. Status errors are responses of 400 and above;
    ``expect_status`` also counts every other status as ``unexpected``."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    lua = [f"wrk.method = {json.dumps(method)}"]
    for name, value in (headers or {}).items():
        lua.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    if body is not None:
        lua.append(f"wrk.body = {json.dumps(body)}")
    if expect_status is not None:
        lua.append(EXPECT_LUA % expect_status)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write("\n".join([*lua, script, REPORT_LUA]))
    try:
        done = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", file.name, url],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        )  # fmt: skip
    finally:
        os.unlink(file.name)
    report = next(line for line in done.stdout.splitlines() if line.startswith("WRK-REPORT"))
    data = json.loads(report.removeprefix("WRK-REPORT "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        status_errors=data["status_errors"],
        socket_errors=data["socket_errors"],
        unexpected=data["unexpected"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )
