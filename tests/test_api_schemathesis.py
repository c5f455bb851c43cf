"""Schemathesis fuzzes every operation of the OpenAPI document against the app (WSGI):
no 5xx, and every answer conforms to the document (status, content type, schema).

It runs on SQLite with the sample records (a learner with enrolments, attempts and
certificates), as that learner and as an administrator, each with a token carrying
every scope they may hold. ``MAX_EXAMPLES`` bounds it: about 60 s here (2 cores)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

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
# Schema-valid input that the rules refuse is documented, not a defect: an attestation
# not accepted (422), a cursor no list gave out (400), an answer outside the options
# (422). Every other check runs: no 5xx, statuses, content types and bodies as documented.

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


def fuzz(operation, headers: dict[str, str]) -> None:
    """Hypothesis-generated cases of one operation, each answered as the document says.

    Hypothesis is driven directly rather than through schemathesis's pytest plugin,
    whose fixture support reads a private pytest attribute that pytest 9 removed."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def run(case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    run()


def test_every_operation_conforms_and_never_fails(fuzzed_app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 15
    for operation in operations:
        for who in ("learner", "admin"):
            fuzz(operation, bearer(TOKENS[who]))
