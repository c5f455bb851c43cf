"""The instructor's learners list filtered by state (not started, in progress, worksheet
waiting for review, completed), on the page and over the API: the same learners, paged
by name within the filter, and bad states or cursors refused without showing anyone."""

from __future__ import annotations

import pytest

from coursekit.accounts.models import Role
from coursekit.progress.reports import queries
from tests.api_helpers import bearer, error_code, make_token
from tests.helpers import make_user
from tests.report_records import attempt, completion, enrol, evaluation, lesson_events, worksheet
from tests.test_learners_list_paging import (  # noqa: F401 (fixtures)
    LEARNERS,
    admin,
    app,
    link,
    shown,
    user_id,
)

API = "/api/v1/teach/modules/calf/versions/1.0.0/learners"
# Each learner (by name) and where their records put them in calf 1.0.0.
RECORDS = {
    "Avery": "nothing yet",
    "Brook": "a lesson opened",
    "Cole": "a post-test attempt",
    "Dale": "a worksheet submitted",
    "Ellis": "a worksheet reviewed",
    "Fox": "completed",
    "Gray": "an evaluation; completed another module",
}
EXPECTED = {
    "not-started": ["Avery"],
    "in-progress": ["Brook", "Cole", "Dale", "Ellis", "Gray"],
    "worksheet-waiting": ["Dale"],
    "completed": ["Fox"],
}


@pytest.fixture
def learners(app) -> dict[str, int]:  # noqa: F811
    """Each learner's calf 1.0.0 enrolment id, by name."""
    reviewer = make_user(app, "teacher@example.org", Role.INSTRUCTOR)
    ids = {name: enrol(app, f"{name.lower()}@example.org", last_name=name) for name in RECORDS}
    lesson_events(app, ids["Brook"], (1, "welcome", "opened", 0))
    attempt(app, ids["Cole"], 1, 5)
    worksheet(app, ids["Dale"], 30)
    worksheet(app, ids["Ellis"], 30, reviewed_by=reviewer)
    lesson_events(app, ids["Fox"], (1, "welcome", "completed", 0))
    completion(app, ids["Fox"], 90)
    evaluation(app, ids["Gray"], 40)
    completion(app, enrol(app, "gray@example.org", "shin", last_name="Gray"), 50)
    return ids


def names(learners: dict[str, int], enrolment_ids: list[int]) -> list[str]:
    by_id = {enrolment: name for name, enrolment in learners.items()}
    return [by_id[enrolment] for enrolment in enrolment_ids]


@pytest.fixture
def token(app) -> dict[str, str]:  # noqa: F811
    admin_id = make_user(app, "api-admin@example.org", Role.ADMIN)
    return bearer(make_token(app, admin_id, "read", "admin"))


@pytest.mark.parametrize("state", EXPECTED)
def test_each_state_shows_its_learners_on_the_page_and_over_the_api(
    app,  # noqa: F811
    admin,  # noqa: F811
    client,
    token,
    learners,
    state,
):
    page = admin.get(f"{LEARNERS}?state={state}")
    assert page.status_code == 200
    assert names(learners, shown(page.text)) == EXPECTED[state]
    assert f'state={state}" aria-current="page"' in page.text
    answer = client.get(f"{API}?state={state}", headers=token)
    assert answer.status_code == 200, answer.text
    listed = [item["enrolment_id"] for item in answer.get_json()["items"]]
    assert names(learners, listed) == EXPECTED[state]


def test_without_a_state_everyone_is_shown(admin, learners):  # noqa: F811
    page = admin.get(LEARNERS).text
    assert names(learners, shown(page)) == list(RECORDS)
    assert 'learners" aria-current="page">All' in page


@pytest.mark.parametrize("sort_at_most", [0, 2_000], ids=["big version", "small version"])
def test_a_filtered_list_pages_within_the_filter(admin, learners, monkeypatch, sort_at_most):  # noqa: F811
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    monkeypatch.setattr(queries, "SORT_AT_MOST", sort_at_most)
    first = admin.get(f"{LEARNERS}?state=in-progress").text
    assert names(learners, shown(first)) == ["Brook", "Cole"]
    following = link(first, "next")
    assert following is not None and "state=in-progress" in following
    second = admin.get(following).text
    assert names(learners, shown(second)) == ["Dale", "Ellis"]
    third = admin.get(link(second, "next")).text
    assert names(learners, shown(third)) == ["Gray"] and link(third, "next") is None
    back = admin.get(link(third, "prev")).text
    assert names(learners, shown(back)) == ["Dale", "Ellis"]


def test_the_api_pages_within_the_filter(app, client, token, learners, monkeypatch):  # noqa: F811
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    seen, cursor = [], None
    while True:
        query = "?state=in-progress" + (f"&cursor={cursor}" if cursor else "")
        answer = client.get(API + query, headers=token).get_json()
        seen += [item["enrolment_id"] for item in answer["items"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert names(learners, seen) == EXPECTED["in-progress"]


def test_an_unknown_state_is_refused_and_shows_no_one(app, admin, client, token, learners):  # noqa: F811
    for state in ("done", "COMPLETED", "' OR 1=1 --", ""):
        page = admin.get(LEARNERS, query_string={"state": state})
        assert page.status_code == 400, state
        assert "state must be one of not-started, in-progress" in page.text
        assert "/teach/enrolments/" not in page.text
        answer = client.get(API, query_string={"state": state}, headers=token)
        assert answer.status_code == 422 and error_code(answer) == "invalid"
        assert "state" in answer.get_json()["error"]["fields"]


def test_a_cursor_from_outside_the_filter_is_refused(
    app,  # noqa: F811
    admin,  # noqa: F811
    client,
    token,
    learners,
    monkeypatch,
):
    # Fox has completed: a page of the in-progress list cannot start after Fox.
    refused = admin.get(f"{LEARNERS}?state=in-progress&after={user_id(app, learners['Fox'])}")
    assert refused.status_code == 400 and "not in this list" in refused.text
    assert "/teach/enrolments/" not in refused.text
    # Over the API: the everyone list's cursor after Fox, sent with a state.
    monkeypatch.setattr(queries, "PAGE_SIZE", 6)
    cursor = client.get(API, headers=token).get_json()["next_cursor"]
    answer = client.get(f"{API}?state=in-progress&cursor={cursor}", headers=token)
    assert answer.status_code == 400 and error_code(answer) == "stale_cursor"
    completed = client.get(f"{API}?state=completed&cursor={cursor}", headers=token)
    assert completed.status_code == 200 and completed.get_json()["items"] == []
