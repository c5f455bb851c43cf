"""Every instructor and administrator page action has an API twin, or a written reason
it has none (api_parity_staff.py)."""

from __future__ import annotations

from coursekit.access import policy_of
from tests.api_parity_staff import STAFF_PARITY

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
STAFF_POLICIES = {"instructor", "admin"}
TOKEN_PAGES = {"coursekit.tokens.create_integration", "coursekit.tokens.revoke_integration"}
"""Integration tokens stay on the pages (a token that could mint tokens would outlive its
own revocation): ``api_parity.py`` says so beside the personal tokens."""


def test_every_staff_page_action_has_an_api_twin_or_a_reason(app):
    rules = list(app.url_map.iter_rules())
    with app.app_context():
        staff_actions = {
            rule.endpoint
            for rule in rules
            if rule.methods & WRITE_METHODS
            and not rule.endpoint.startswith("coursekit.api.")
            and policy_of(rule.endpoint) in STAFF_POLICIES
        } - TOKEN_PAGES
    api_endpoints = {rule.endpoint for rule in rules if rule.endpoint.startswith("coursekit.api.")}
    assert sorted(staff_actions - set(STAFF_PARITY)) == []
    assert sorted(set(STAFF_PARITY) - staff_actions) == []
    broken = sorted(
        page
        for page, twin in STAFF_PARITY.items()
        if (twin.api is None and not twin.why_none) or (twin.api and twin.api not in api_endpoints)
    )
    assert broken == []
