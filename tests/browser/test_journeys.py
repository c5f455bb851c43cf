"""The journeys with the pointer, each on its own server with a fresh database."""

from __future__ import annotations

from tests.browser import journey_authoring, journey_certificates, journey_learner
from tests.browser.driver import Driver
from tests.certificate_records import PROVIDER


def test_an_acupuncturist_registers_studies_passes_and_verifies_her_certificate(
    live_server, new_context, artifacts
):
    server = live_server()
    address = journey_learner.run(server, new_context, Driver, artifacts, "mei@example.org")
    assert "/verify/" in address


def test_a_stranger_verifies_a_certificate_and_then_sees_it_revoked(
    live_server, new_context, artifacts
):
    journey_certificates.verify(live_server(), new_context, Driver, artifacts)


def test_an_administrator_approves_certificates_in_bulk_and_downloads_a_roster(
    live_server, new_context, artifacts
):
    server = live_server(COURSEKIT_PROVIDER={**PROVIDER, "issuing": "approval"})
    journey_certificates.approve_and_report(server, new_context, Driver, artifacts)


def test_an_instructor_fixes_a_refused_upload_previews_and_publishes_it(
    live_server, new_context, artifacts
):
    journey_authoring.run(live_server(), new_context, Driver, artifacts)
