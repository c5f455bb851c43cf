"""The verification page and its JSON cost one query, however many certificates exist and
whether or not the certificate was replaced."""

from __future__ import annotations

import pytest

from coursekit.certificates.operations import reissue_certificate
from tests.certificate_records import completed, issue
from tests.querycount import queries_for
from tests.verification_records import modify, verification_app

BUDGET = 3


@pytest.fixture
def app(make_app, tmp_path):
    return verification_app(make_app, tmp_path)


def costs(app, client, code: str) -> list[int]:
    return [
        len(queries_for(app, client, f"/verify/{code}")),
        len(queries_for(app, client, f"/verify/{code}.json")),
    ]


def test_the_verification_page_has_a_fixed_query_budget(app, client):
    first = issue(app, completed(app, "first@example.org"))
    alone = costs(app, client, first.code)
    others = [issue(app, completed(app, f"l{n}@example.org")) for n in range(3)]
    replacement = modify(app, others[0].id, reissue_certificate, reason="Name corrected.")
    assert costs(app, client, first.code) == alone
    assert costs(app, client, others[0].code) == alone  # superseded: the replacement too
    assert costs(app, client, replacement.code) == alone
    assert max(alone) <= BUDGET
    assert alone == [1, 1]
