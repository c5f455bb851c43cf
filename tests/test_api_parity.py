"""Every page action has an API twin, or a written reason it has none (api_parity.py)."""

from __future__ import annotations

from tests.api_parity import PARITY

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_page_action_is_mapped_to_an_api_endpoint_or_a_reason(app):
    rules = list(app.url_map.iter_rules())
    actions = {
        rule.endpoint
        for rule in rules
        if rule.methods & WRITE_METHODS and not rule.endpoint.startswith("coursekit.api.")
    }
    api_endpoints = {rule.endpoint for rule in rules if rule.endpoint.startswith("coursekit.api.")}
    unmapped = sorted(actions - set(PARITY))
    assert not unmapped, f"page actions missing from tests/api_parity.py: {unmapped}"
    stale = sorted(set(PARITY) - actions)
    assert not stale, f"no longer page actions: {stale}"
    no_twin = sorted(
        page
        for page, twin in PARITY.items()
        if (twin.api is None and not twin.why_none) or (twin.api and twin.api not in api_endpoints)
    )
    assert not no_twin, f"twins that are no API endpoint, or None without a reason: {no_twin}"
