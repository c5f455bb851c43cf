"""Every journey again with the keyboard alone: Tab to reach each control, Enter and
Space to act, arrow keys to choose, typing to write (WCAG 2.1.1). Hotspot questions are
answered by choosing labelled points, the keyboard's way to the diagram."""

from __future__ import annotations

from tests.browser import journey_authoring, journey_certificates, journey_learner
from tests.browser.driver import KeyboardDriver
from tests.certificate_records import PROVIDER


def test_every_journey_can_be_completed_with_the_keyboard_alone(
    live_server, new_context, artifacts
):
    learner = live_server()
    address = journey_learner.run(
        learner, new_context, KeyboardDriver, artifacts, "kai@example.org"
    )
    assert "/verify/" in address
    journey_certificates.verify(live_server(), new_context, KeyboardDriver, artifacts)
    journey_authoring.run(live_server(), new_context, KeyboardDriver, artifacts)
    approving = live_server(COURSEKIT_PROVIDER={**PROVIDER, "issuing": "approval"})
    journey_certificates.approve_and_report(approving, new_context, KeyboardDriver, artifacts)
