"""Seat time: heartbeats and page views credit reading time by the server's clock,
capped, never over test time, never twice, and never for a learner who is not enrolled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.assessment.attempts.models import POST_TEST, Attempt
from coursekit.lessons.models import LessonEvent, LessonEventKind
from tests.assessment_records import enrolment_id
from tests.helpers import csrf_token, login, make_user, submit
from tests.package_factory import write_package

L1 = "/modules/calf/lessons/01-anatomy"
L2 = "/modules/calf/lessons/02-needling"
HEARTBEAT_CAP = 45  # 1.5 times the default 30-second interval
PAGE_VIEW_CAP = 45 * 60  # 1.5 times the lesson's 30 minutes


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    write_package(tmp_path, "shin")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


class Learner:
    def __init__(self, app, email: str, *, enrol: bool = True) -> None:
        self.app = app
        self.client = app.test_client()
        self.id = make_user(app, email)
        login(self.client, email)
        if enrol:
            submit(self.client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
        self.token = csrf_token(self.client, "/account")

    def beat(self, slug: str = "01-anatomy", module: str = "calf", **data: str):
        return self.client.post(
            f"/modules/{module}/lessons/{slug}/heartbeat", data={"csrf_token": self.token, **data}
        )

    def credited(self, **data: str) -> int:
        response = self.beat(**data)
        assert response.status_code == 200, response.text
        return response.json["credited"]

    def seat_time(self) -> dict[str, int]:
        """Seconds credited per lesson, from the database."""
        with self.app.app_context():
            rows = db.session.execute(
                select(LessonEvent.lesson, LessonEvent.seconds).where(
                    LessonEvent.enrolment_id == enrolment_id(self.app, self.id, "calf"),
                    LessonEvent.kind == LessonEventKind.ACTIVE,
                )
            ).all()
        totals: dict[str, int] = {}
        for lesson, seconds in rows:
            totals[lesson] = totals.get(lesson, 0) + seconds
        return {lesson: seconds for lesson, seconds in totals.items() if seconds}


@pytest.fixture
def learner(app, clock):
    return Learner(app, "learner@example.org")


def test_heartbeats_earn_the_time_between_them(learner, clock):
    learner.client.get(L1)
    assert learner.credited(restart="1") == 0
    for _ in range(4):
        clock.advance(seconds=30)
        assert learner.credited() == 30
    assert learner.seat_time() == {"01-anatomy": 120}


def test_an_idle_tab_earns_at_most_one_capped_interval(learner, clock):
    learner.client.get(L1)
    learner.credited(restart="1")
    clock.advance(minutes=50)
    assert learner.credited() == HEARTBEAT_CAP
    assert learner.seat_time() == {"01-anatomy": HEARTBEAT_CAP}


def test_times_sent_by_the_browser_are_ignored(learner, clock):
    learner.client.get(L1)
    learner.credited(restart="1")
    clock.advance(seconds=20)
    forged = {"at": "2020-01-01T00:00:00Z", "seconds": "86400", "elapsed": "9999"}
    assert learner.credited(**forged) == 20
    assert learner.seat_time() == {"01-anatomy": 20}


def test_a_flood_of_heartbeats_earns_no_more_than_the_clock_and_is_refused(learner, clock):
    learner.client.get(L1)
    learner.credited(restart="1")
    clock.advance(seconds=10)
    statuses = [learner.beat().status_code for _ in range(30)]
    assert statuses.count(429) >= 10 and set(statuses) == {200, 429}
    assert learner.seat_time() == {"01-anatomy": 10}


def test_coming_back_after_being_away_restarts_the_clock(learner, clock):
    learner.client.get(L1)
    learner.credited(restart="1")
    clock.advance(seconds=30)
    learner.credited()
    clock.advance(hours=3)  # the tab was hidden: the page sent nothing
    assert learner.credited(restart="1") == 0
    clock.advance(seconds=30)
    assert learner.credited() == 30
    assert learner.seat_time() == {"01-anatomy": 60}


def test_two_tabs_share_one_clock(learner, clock):
    learner.client.get(L1)
    learner.client.get(L2)
    learner.credited(restart="1")
    clock.advance(seconds=30)
    assert learner.credited() == 30
    clock.advance(seconds=2)
    assert learner.beat("02-needling").json["credited"] == 2
    assert sum(learner.seat_time().values()) == 32


def test_without_javascript_time_between_page_views_counts_capped_by_the_lesson(learner, clock):
    learner.client.get(L1)
    clock.advance(minutes=10)
    learner.client.get(L2)
    assert learner.seat_time() == {"01-anatomy": 600}
    clock.advance(hours=5)
    learner.client.get(L1)
    assert learner.seat_time() == {"01-anatomy": 600, "02-needling": PAGE_VIEW_CAP}


def test_after_a_heartbeat_a_page_view_earns_only_a_heartbeat_interval(learner, clock):
    learner.client.get(L1)
    learner.credited(restart="1")
    clock.advance(seconds=30)
    learner.credited()
    clock.advance(minutes=20)  # the page stopped reporting: the learner was idle
    learner.client.get(L2)
    assert learner.seat_time() == {"01-anatomy": 30 + HEARTBEAT_CAP}


def test_completing_a_lesson_stops_its_clock(learner, clock):
    learner.client.get(L2)
    clock.advance(minutes=5)
    done = submit(learner.client, L2, {}, f"{L2}/complete")
    assert done.status_code == 302
    clock.advance(days=2)
    learner.client.get(L1)
    assert learner.seat_time() == {"02-needling": 300}


def _attempt(app, learner, started, closed=None, deadline=None):
    with app.app_context():
        db.session.add(
            Attempt(
                enrolment_id=enrolment_id(app, learner.id, "calf"),
                quiz=POST_TEST,
                number=1,
                questions=[],
                started_at=started,
                closed_at=closed,
                deadline=deadline,
                close_reason="submitted" if closed else None,
            )
        )
        db.session.commit()


def test_time_spent_on_the_post_test_is_not_seat_time(app, learner, clock):
    learner.client.get(L1)
    start = clock.now
    _attempt(app, learner, start + timedelta(minutes=5), start + timedelta(minutes=25))
    clock.advance(minutes=40)
    learner.client.get(L2)
    assert learner.seat_time() == {"01-anatomy": 300}


def test_heartbeats_while_an_attempt_is_open_earn_nothing(app, learner, clock):
    learner.client.get(L1)
    learner.credited(restart="1")
    _attempt(app, learner, clock.now - timedelta(seconds=1))
    clock.advance(seconds=30)
    assert learner.credited() == 0
    clock.advance(minutes=20)
    learner.client.get(L2)
    assert learner.seat_time() == {}


def test_an_attempt_that_ran_out_of_time_stops_excluding_at_its_deadline(app, learner, clock):
    learner.client.get(L1)
    start = clock.now
    # Never closed (nobody opened it after the limit), deadline 10 minutes later.
    _attempt(app, learner, start - timedelta(minutes=1), deadline=start + timedelta(minutes=10))
    clock.advance(minutes=15)
    learner.client.get(L2)  # from L1's view to the deadline was test time
    clock.advance(minutes=3)
    learner.client.get(L1)
    assert learner.seat_time() == {"02-needling": 180}


def test_heartbeats_are_refused_for_modules_and_lessons_not_enrolled_in(app, learner, clock):
    learner.client.get(L1)
    learner.credited(restart="1")
    clock.advance(seconds=30)
    assert learner.beat(module="shin").status_code == 404
    assert learner.beat(module="nope").status_code == 404
    assert learner.beat(slug="99-missing").status_code == 404
    stranger = Learner(app, "stranger@example.org", enrol=False)
    assert stranger.beat().status_code == 404
    assert learner.seat_time() == {}


def test_heartbeats_need_a_signed_in_learner_and_a_csrf_token(app, learner, clock):
    anonymous = app.test_client()
    response = anonymous.post(f"{L1}/heartbeat", data={"csrf_token": learner.token})
    assert response.status_code in (302, 401)
    assert learner.client.post(f"{L1}/heartbeat").status_code == 400
    assert learner.seat_time() == {}
