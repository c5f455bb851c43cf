"""COURSEKIT_SEAT_TIME_SCALE: a demonstration server (the browser journeys) asks for a
fraction of the seat time, says so on every page, and refuses a scale that is not one."""

from __future__ import annotations

import pytest

from coursekit import create_app
from tests.helpers import app_config, login, make_user, submit
from tests.package_factory import write_package

BANNER = "Demonstration server: seat time is shortened"


@pytest.fixture
def modules(tmp_path):
    write_package(tmp_path, "calf")  # 100 minutes of seat time for its 2 credit hours
    return str(tmp_path / "modules")


def seat_step(app) -> str:
    client = app.test_client()
    make_user(app, "ana@example.org")
    login(client, "ana@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    return client.get("/dashboard").text


@pytest.mark.parametrize("scale", [0, -1, 1.5, "fast", True])
def test_a_scale_that_is_not_a_fraction_stops_the_app(tmp_path, scale):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with pytest.raises(ValueError, match="COURSEKIT_SEAT_TIME_SCALE"):
        create_app(app_config(url, COURSEKIT_SEAT_TIME_SCALE=scale))


def test_the_real_scale_asks_for_the_full_seat_time_and_shows_no_banner(make_app, modules):
    app = make_app(COURSEKIT_MODULES_PATH=modules, COURSEKIT_PUBLISH_ON_START=True)
    page = seat_step(app)
    assert "Seat time: 0 of 100 minutes" in page
    assert BANNER not in page


def test_a_demonstration_scale_shortens_seat_time_and_says_so_on_every_page(make_app, modules):
    app = make_app(
        COURSEKIT_MODULES_PATH=modules,
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_SEAT_TIME_SCALE=0.25,
    )
    page = seat_step(app)
    assert "Seat time: 0 of 25 minutes" in page
    assert BANNER in page
    assert BANNER in app.test_client().get("/verify").text
