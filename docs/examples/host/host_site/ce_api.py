"""Calling CourseKit's JSON API (docs/api.md) from the site's own jobs.

The association's newsletter lists the CE seminars on offer, with their credits, from
``GET /ce/api/v1/modules``. It runs as a command (``flask --app host_site ce-catalogue``)
beside the web server, so it talks HTTP to the running site like any other system would,
with an integration token an administrator created at ``/ce/admin/integration-tokens``
(scope ``read``). Python's standard library is enough for a few JSON GETs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


class CEApiError(Exception):
    """CourseKit refused a request: its status and the error envelope's code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class CEClient:
    """A small client of ``/ce/api/v1``, authenticated with a bearer token."""

    def __init__(self, base_url: str, token: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def get(self, path: str, **params: Any) -> Any:
        """GET ``path`` (below the API's base URL) and return the decoded JSON body."""
        query = f"?{urlencode(params)}" if params else ""
        request = Request(  # noqa: S310 - the base URL is the site's own setting
            f"{self.base_url}{path}{query}",
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.load(response)
        except HTTPError as refused:
            # Every API error carries {"error": {"code", "message", "fields"}}.
            error = json.load(refused).get("error", {})
            raise CEApiError(
                refused.code, error.get("code", ""), error.get("message", "")
            ) from None

    def modules(self, page_size: int = 50) -> Iterator[dict[str, Any]]:
        """Every module on offer, following ``next_cursor`` page by page."""
        params: dict[str, Any] = {"limit": page_size}
        while True:
            page = self.get("/modules", **params)
            yield from page["items"]
            if page["next_cursor"] is None:
                return
            params["cursor"] = page["next_cursor"]


def newsletter_lines(client: CEClient) -> list[str]:
    """One line per seminar: title, version and its credit per board."""
    lines = []
    for module in client.modules():
        credits = ", ".join(
            f"{credit['board']} {credit.get('hours') or sum((credit.get('points') or {}).values())}"
            for credit in module["credits"]
        )
        lines.append(f"{module['title']} (v{module['version']}): {credits}")
    return lines


@click.command("ce-catalogue")
@with_appcontext
def ce_catalogue_command() -> None:
    """Print the CE seminars for the newsletter, read through CourseKit's API."""
    config = current_app.config
    client = CEClient(config["CE_API_URL"], config["CE_API_TOKEN"])
    try:
        lines = newsletter_lines(client)
    except CEApiError as refused:
        raise click.ClickException(f"CourseKit refused: {refused}") from refused
    click.echo("\n".join(lines))


def init_app(app: Flask) -> None:
    """Settings: ``CE_API_URL`` (e.g. https://members.example/ce/api/v1) and
    ``CE_API_TOKEN`` (an integration token with the read scope)."""
    app.config.setdefault("CE_API_URL", "http://127.0.0.1:5000/ce/api/v1")
    app.config.setdefault("CE_API_TOKEN", "")
    app.cli.add_command(ce_catalogue_command)
