"""Schemathesis fuzzes every operation of the OpenAPI document against the app (WSGI):
no 5xx, and every answer conforms to the document (status, content type, schema).

It runs on SQLite with the sample records (a learner with enrolments, attempts and
certificates), as that learner and as an administrator, each with a token carrying
every scope they may hold. ``MAX_EXAMPLES`` bounds it: about 60 s here (2 cores)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from coursekit import create_app
from coursekit.accounts.queries import user_by_email
from coursekit.api.tokens.models import Scope
from tests import sample_records
from tests.api_helpers import bearer, make_token
from tests.certificate_records import certificate_settings
from tests.conftest import _migrate
from tests.helpers import app_config
from tests.sample_records import seed
from tests.test_seminars import ROOT

MAX_EXAMPLES = 30
TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{folder / 'coursekit.sqlite3'}"
    _migrate(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSEKIT_INSTANCE_PATH", str(folder / "instance"))
        app = create_app(
            app_config(
                url,
                COURSEKIT_MODULES_PATH=str(ROOT / "modules"),
                COURSEKIT_PUBLISH_ON_START=True,
                COURSEKIT_API_LIMIT="100000 per minute",
                **certificate_settings(),
            )
        )
        seed(app, folder / "records")
        with app.app_context():
            learner = user_by_email(sample_records.LEARNER).id
            admin = user_by_email(sample_records.ADMIN).id
        TOKENS["learner"] = make_token(app, learner, Scope.READ, Scope.WRITE)
        TOKENS["admin"] = make_token(app, admin, Scope.READ, Scope.WRITE, Scope.ADMIN)
        yield app
    app.extensions["coursekit"].db.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzzed_app: Flask):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_conforms_and_never_fails(case, fuzzed_app: Path) -> None:
    for who in ("learner", "admin"):
        case.call_and_validate(headers=bearer(TOKENS[who]))
