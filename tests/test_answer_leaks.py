"""No answer leakage: an open attempt's pages and JSON carry no key, feedback,
explanation, region or hidden question, for every built-in question type."""

from __future__ import annotations

import re

import pytest
import yaml

from coursekit.assessment.registry import registry
from tests.api_helpers import bearer, make_token
from tests.attempt_pages import submit_attempt
from tests.helpers import login, make_user, submit
from tests.package_factory import questions, write_package

# Each question hides markers that only its key may contain; none may reach the learner.
ALL_TYPES = [
    {
        "id": "t-single",
        "type": "single",
        "text": "Which structure lies deepest in the popliteal fossa?",
        "options": [
            {"text": "Artery", "correct": True, "feedback": "SECRET-FEEDBACK-SINGLE"},
            {"text": "Nerve", "feedback": "SECRET-FEEDBACK-SINGLE-WRONG"},
        ],
        "explanation": "SECRET-EXPLANATION-SINGLE",
    },
    {
        "id": "t-multiple",
        "type": "multiple",
        "scoring": "negative",
        "text": "Which refer pain to the heel?",
        "options": [
            {"text": "Soleus", "correct": True, "feedback": "SECRET-FEEDBACK-MULTIPLE"},
            {"text": "Deltoid"},
            {"text": "Quadratus plantae", "correct": True},
        ],
        "explanation": "SECRET-EXPLANATION-MULTIPLE",
    },
    {
        "id": "t-true-false",
        "type": "true_false",
        "text": "Deep needling at the mid-calf midline approaches the tibial nerve.",
        "answer": True,
        "feedback_true": "SECRET-FEEDBACK-TRUE",
        "feedback_false": "SECRET-FEEDBACK-FALSE",
    },
    {
        "id": "t-short",
        "type": "short_text",
        "text": "Name the nerve beneath soleus.",
        "accepted": ["zygosecretnerve", "posterior zygosecretnerve"],
    },
    {
        "id": "t-numeric",
        "type": "numeric",
        "text": "A number, please.",
        "answer": 4242.5,
        "tolerance": 0.125,
        "unit": "mm",
    },
    {
        "id": "t-matching",
        "type": "matching",
        "text": "Match the muscle with its referral.",
        "pairs": [
            {"left": "Soleus", "right": "Heel"},
            {"left": "Gastrocnemius", "right": "Instep"},
        ],
        "distractors": ["Shoulder"],
        "explanation": "SECRET-EXPLANATION-MATCHING",
    },
    {
        "id": "t-ordering",
        "type": "ordering",
        "text": "Superficial to deep.",
        "items": ["Alpha-layer", "Beta-layer", "Gamma-layer", "Delta-layer"],
    },
    {
        "id": "t-hotspot",
        "type": "hotspot",
        "text": "Click the soleus trigger point that refers pain to the heel.",
        "image": "media:calf.svg",
        "regions": [
            {"name": "secret-region-heel", "circle": {"cx": 73.125, "cy": 41.375, "r": 6.5}},
            {"name": "secret-region-knee", "polygon": [[11.5, 12.5], [21.5, 12.5], [16.5, 23.5]]},
        ],
        "correct": ["secret-region-heel"],
        "candidates": [
            {"label": "Point A", "x": 74.875, "y": 42.625},
            {"label": "Point B", "x": 15.625, "y": 88.875},
        ],
    },
    {
        "id": "t-essay",
        "type": "essay",
        "text": "Describe your screening questions.",
        "guidance": "SECRET-GUIDANCE-ESSAY",
    },
    {"id": "t-description", "type": "description", "text": "A case: a runner with heel pain."},
]
# The key material of every question, as it could appear on a page or in JSON.
SECRETS = [
    "SECRET-",
    "zygosecretnerve",
    "4242",
    "0.125",
    "73.125",
    "41.375",
    "6.5",
    "11.5",
    "21.5",
    "23.5",
    "74.875",
    "42.625",
    "15.625",
    "88.875",
    "secret-region",
    "option-correct",
    "correct answer",
    '"correct"',
    "accepted",
    "tolerance",
    "regions",
]


def test_the_fixture_covers_every_built_in_type():
    assert {question["type"] for question in ALL_TYPES} == set(registry().names)


@pytest.fixture
def app(make_app, tmp_path):
    folder = write_package(
        tmp_path,
        "calf",
        assessment={
            "quiz": "quizzes/post-test.yaml",
            "pass_mark": 75,
            "shuffle_questions": False,
            "review": "after-submit",
        },
    )
    quiz = {"title": "Post-test", "questions": ALL_TYPES + questions(3, prefix="filler")}
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(quiz, sort_keys=False))
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def test_an_open_attempt_never_carries_the_key(app, client):
    make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    started = submit(client, "/modules/calf/post-test", {}, "/modules/calf/post-test/start")
    base = started.location.rsplit("/", 1)[0]
    total = len(ALL_TYPES) + 3
    pages = {}
    for number in range(1, total + 1):
        html = client.get(f"{base}/{number}")
        data = client.get(f"{base}/{number}", headers={"Accept": "application/json"})
        assert html.status_code == 200 and data.status_code == 200
        pages[number] = (html.text, data.get_data(as_text=True))
    pages[0] = (client.get(base).text, client.get("/modules/calf/post-test").text)
    for number, (html, data) in pages.items():
        for secret in SECRETS:
            assert secret not in html, (number, secret)
            assert secret not in data, (number, secret)
        # Only the question on its own page: no other question's text is sent.
        for other, question in enumerate(ALL_TYPES, start=1):
            if other != number:
                assert question["text"] not in html and question["text"] not in data

    ordering = pages[ALL_TYPES.index(ALL_TYPES[6]) + 1][0]
    shown = [m for m in re.findall(r"(Alpha|Beta|Gamma|Delta)-layer", ordering)]
    assert shown and shown != ["Alpha", "Beta", "Gamma", "Delta"]


def test_the_key_arrives_when_the_review_policy_allows(app, client):
    make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    started = submit(client, "/modules/calf/post-test", {}, "/modules/calf/post-test/start")
    attempt = started.location.rsplit("/", 1)[0]
    submit_attempt(client, int(attempt.rsplit("/", 1)[1]))
    review = client.get(attempt).text
    # after-submit: explanations and feedback now shown; the reviewer's guidance never.
    assert "SECRET-EXPLANATION-SINGLE" in review and "SECRET-EXPLANATION-MATCHING" in review
    assert "SECRET-GUIDANCE-ESSAY" not in review


def test_a_hotspot_is_answered_by_clicking_or_by_keyboard(app, client):
    make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    started = submit(client, "/modules/calf/post-test", {}, "/modules/calf/post-test/start")
    page_url = started.location.rsplit("/", 1)[0] + "/8"  # the hotspot, unshuffled
    page = client.get(page_url).text
    assert "Click the soleus trigger point" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    # The keyboard alternative: a radio list of the labelled points.
    label = re.search(r'name="answer-candidate" value="(\d+)"[^>]*>\s*<span>Point A', page).group(1)
    by_keyboard = client.post(
        page_url, data={"csrf_token": token, "answer-candidate": label, "action": "summary"}
    )
    assert by_keyboard.status_code == 303
    saved = client.get(page_url, headers={"Accept": "application/json"}).json
    assert saved["response"] == {"candidate": int(label)}
    outside = client.post(page_url, data={"csrf_token": token, "answer-x": "500", "answer-y": "5"})
    assert outside.status_code == 422 and "outside the diagram" in outside.text
    click = client.post(page_url, data={"csrf_token": token, "answer-x": "74", "answer-y": "42"})
    assert click.status_code == 303
    assert client.get(page_url, headers={"Accept": "application/json"}).json["response"] == {
        "x": 74.0,
        "y": 42.0,
    }


def test_the_api_never_sends_the_key_of_an_open_attempt(app, client):
    """The API's question, attempt and check answers carry no key while the attempt
    is open; its review sends the key once the policy (after-submit) allows."""
    learner = make_user(app, "learner@example.org")
    headers = bearer(make_token(app, learner))
    shown = client.get("/api/v1/modules/calf", headers=headers).json["attestation"]["version"]
    body = {"accept_attestation": True, "attestation_version": shown}
    assert client.post("/api/v1/modules/calf/enrol", json=body, headers=headers).status_code == 201
    attempt = client.post("/api/v1/modules/calf/attempts", headers=headers).json["id"]
    sent = [
        client.get(f"/api/v1/attempts/{attempt}", headers=headers),
        client.get(f"/api/v1/attempts/{attempt}/check", headers=headers),
        client.get(f"/api/v1/attempts/{attempt}/review", headers=headers),  # 409: still open
        *(
            client.get(f"/api/v1/attempts/{attempt}/questions/{number}", headers=headers)
            for number in range(1, len(ALL_TYPES) + 4)
        ),
    ]
    assert sent[2].status_code == 409
    for number, response in enumerate(sent):
        text = response.get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in text, (number, secret)
    confirm = {"confirm": True}
    client.post(f"/api/v1/attempts/{attempt}/submit", json=confirm, headers=headers)
    review = client.get(f"/api/v1/attempts/{attempt}/review", headers=headers)
    assert review.json["show_key"] is True
    assert "SECRET-EXPLANATION-SINGLE" in review.get_data(as_text=True)
    assert "SECRET-GUIDANCE-ESSAY" not in review.get_data(as_text=True)
