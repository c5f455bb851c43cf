"""Receiver-side verification refuses replayed (stale) and tampered deliveries; the
backoff schedule; where webhooks may be sent. Pure functions: no app, no database."""

from __future__ import annotations

import json

import pytest

from coursekit.outbound import backoff_seconds
from coursekit.webhooks import SignatureRefused, verify_signature
from coursekit.webhooks.signing import signed_headers
from coursekit.webhooks.targets import TargetRefused, check_resolved, check_url

SECRET = "whsec_test-secret"
SENT_AT = 1_800_000_000
BODY = json.dumps({"id": "4b1c", "type": "module.enrolled", "data": {}}).encode()


def headers(secret: str = SECRET, body: bytes = BODY, at: int = SENT_AT) -> dict[str, str]:
    return signed_headers(
        secret, event_id="4b1c", event_type="module.enrolled", body=body, timestamp=at
    )


def test_a_fresh_signed_delivery_is_accepted_whatever_the_header_case():
    lower = {name.lower(): value for name, value in headers().items()}
    assert verify_signature(SECRET, lower, BODY, now=SENT_AT + 299)["id"] == "4b1c"
    assert headers()["CourseKit-Signature"].startswith("v1=")


@pytest.mark.parametrize("late", [301, -301, 86_400])
def test_a_replayed_delivery_outside_the_tolerance_is_refused(late):
    with pytest.raises(SignatureRefused, match="more than 300 seconds"):
        verify_signature(SECRET, headers(), BODY, now=SENT_AT + late)


def test_a_replay_with_a_new_timestamp_does_not_match_the_signature():
    replayed = {**headers(), "CourseKit-Timestamp": str(SENT_AT + 3600)}
    with pytest.raises(SignatureRefused, match="no valid v1 signature"):
        verify_signature(SECRET, replayed, BODY, now=SENT_AT + 3600)


def test_a_tampered_body_or_a_wrong_secret_is_refused():
    tampered = BODY.replace(b"module.enrolled", b"certificate.issued")
    with pytest.raises(SignatureRefused, match="no valid v1 signature"):
        verify_signature(SECRET, headers(), tampered, now=SENT_AT)
    with pytest.raises(SignatureRefused, match="no valid v1 signature"):
        verify_signature("whsec_other", headers(), BODY, now=SENT_AT)


def test_a_signed_body_whose_event_id_differs_from_the_header_is_refused():
    other = {**headers(), "CourseKit-Event-Id": "9999"}
    with pytest.raises(SignatureRefused, match="event id"):
        verify_signature(SECRET, other, BODY, now=SENT_AT)


@pytest.mark.parametrize(
    "broken",
    [
        {"CourseKit-Timestamp": ""},
        {"CourseKit-Timestamp": "yesterday"},
        {"CourseKit-Signature": ""},
        {"CourseKit-Signature": "v0=abc"},
        {"CourseKit-Signature": "v1=é"},
    ],
)
def test_missing_or_malformed_headers_are_refused(broken):
    with pytest.raises(SignatureRefused):
        verify_signature(SECRET, {**headers(), **broken}, BODY, now=SENT_AT)


def test_during_a_rotation_the_receiver_may_accept_the_old_and_the_new_secret():
    signed_with_new = headers(secret="whsec_new")
    assert verify_signature([SECRET, "whsec_new"], signed_with_new, BODY, now=SENT_AT)
    several = {**headers(), "CourseKit-Signature": "v2=zz, " + headers()["CourseKit-Signature"]}
    assert verify_signature(SECRET, several, BODY, now=SENT_AT), "unknown schemes are skipped"


def test_the_backoff_doubles_up_to_its_cap_and_jitter_only_shortens_it():
    assert [backoff_seconds(30, n, cap=3600) for n in range(1, 10)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600
    ]  # fmt: skip
    assert backoff_seconds(30, 3, jitter=0.2, rng=lambda: 0.0) == 120
    assert backoff_seconds(30, 3, jitter=0.2, rng=lambda: 1.0) == pytest.approx(96)
    with pytest.raises(ValueError):
        backoff_seconds(30, 0)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.org/in", "Use https"),
        ("ftp://hooks.example.org/in", "starting with https"),
        ("hooks.example.org", "starting with https"),
        ("https://user:pw@hooks.example.org/in", "user name and password"),
        ("https://127.0.0.1/in", "private, loopback"),
        ("https://localhost:8443/in", "private, loopback"),
        ("https://10.1.2.3/in", "private, loopback"),
        ("https://169.254.169.254/latest/meta-data", "private, loopback"),
        ("https://[::1]/in", "private, loopback"),
        ("https://[::ffff:192.168.0.1]/in", "private, loopback"),
        ("https://hooks.example.org:99999/in", "not a valid address"),
        ("https://hooks.example.org/" + "a" * 500, "at most 500"),
    ],
)
def test_addresses_webhooks_must_not_go_to_are_refused(url, message):
    with pytest.raises(TargetRefused, match=message):
        check_url(url, allow_private=False)


def test_a_public_https_address_is_accepted_and_private_ones_only_when_allowed():
    assert check_url(" https://hooks.example.org/in ", allow_private=False) == (
        "https://hooks.example.org/in"
    )
    assert check_url("http://127.0.0.1:9000/in", allow_private=True)
    with pytest.raises(TargetRefused, match="private, loopback"):
        check_resolved("https://localhost/in", allow_private=False)
    check_resolved("https://localhost/in", allow_private=True)
