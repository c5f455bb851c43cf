"""The catalogue, module pages and enrolment, on every database backend."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.catalog.models import Enrolment
from coursekit.catalog.queries import prerequisite_steps
from coursekit.packages.models import ModuleVersion, VersionStatus
from coursekit.progress.models import Completion
from tests.helpers import login, make_user, submit
from tests.package_factory import write_package

ATTESTATION = "I attest that I am me (test wording)."


@pytest.fixture
def content(tmp_path):
    """A content root with three modules: two leg modules and a low-back one that
    requires the first."""
    write_package(tmp_path, "calf", title="Calf and heel pain")
    write_package(
        tmp_path,
        "shin",
        title="Shin pain",
        summary="Tibialis anterior and the fibularis muscles.",
        covers={"regions": ["lower-leg"], "muscles": ["tibialis anterior"]},
        credits=[{"board": "CA", "provider_number": "CEP-1", "category": "1", "hours": 1}],
    )
    write_package(
        tmp_path,
        "low-back",
        title="Low back pain",
        covers={"regions": ["low-back"], "muscles": ["quadratus lumborum"]},
        prerequisites=["calf"],
    )
    return tmp_path


@pytest.fixture
def app(make_app, content):
    return make_app(
        COURSEKIT_MODULES_PATH=str(content / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_ATTESTATION_TEXT=ATTESTATION,
        COURSEKIT_ATTESTATION_VERSION="test-3",
    )


def titles_on(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/modules/[^"]+">([^<]+)</a></h2>', page)


def enrol(client, module_id: str, accept: bool = True):
    page = f"/modules/{module_id}"
    return submit(client, page, {"accept": "y"} if accept else {}, f"{page}/enrol")


def test_start_publishes_every_valid_package_once(app, make_app, content):
    make_app(COURSEKIT_MODULES_PATH=str(content / "modules"), COURSEKIT_PUBLISH_ON_START=True)
    with app.app_context():
        versions = db.session.scalars(select(ModuleVersion)).all()
        assert sorted((v.module_id, v.version) for v in versions) == [
            ("calf", "1.0.0"),
            ("low-back", "1.0.0"),
            ("shin", "1.0.0"),
        ]
        assert all(len(v.content_hash) == 64 and v.archive for v in versions)


def test_catalogue_lists_modules_for_anyone_and_filters_them(client):
    page = client.get("/modules")
    assert page.status_code == 200
    # A module comes after the module it requires, whatever its title.
    assert titles_on(page.text) == ["Calf and heel pain", "Shin pain", "Low back pain"]
    assert page.text.count("After: Calf and heel pain") == 1
    assert titles_on(client.get("/modules?region=low-back").text) == ["Low back pain"]
    assert titles_on(client.get("/modules?muscle=tibialis+anterior").text) == ["Shin pain"]
    assert titles_on(client.get("/modules?pain=heel+pain").text) == ["Calf and heel pain"]
    assert titles_on(client.get("/modules?board=CA").text) == [
        "Calf and heel pain",
        "Shin pain",
        "Low back pain",
    ]
    assert "Shin pain" not in titles_on(client.get("/modules?board=NCCAOM:AOM-AC").text)
    assert titles_on(client.get("/modules?q=FIBULARIS").text) == ["Shin pain"]
    assert "No module matches" in client.get("/modules?q=%27%20OR%201=1--").text


def test_module_page_shows_what_a_learner_needs_before_enrolling(client):
    page = client.get("/modules/calf").text
    for expected in (
        "Calf and heel pain",
        "Version 1.0.0",
        "PDA-000-001",
        "1.5 PDA AOM-AC",
        "Provider CEP-0000",
        "pass mark of 75%",
        "A. Sample</strong>, L.Ac.",
        "Lesson 1",
        "Distance learning home study",
        "1 h",
    ):
        assert expected in page, expected
    assert "Sign in to enrol" in page
    assert client.get("/modules/no-such-module").status_code == 404


def test_enrolment_needs_the_attestation_and_stores_what_was_accepted(app, client):
    user_id = make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    assert ATTESTATION in client.get("/modules/calf").text
    refused = enrol(client, "calf", accept=False)
    assert refused.status_code == 422
    assert "Accept the participant attestation" in refused.text
    with app.app_context():
        assert db.session.scalars(select(Enrolment)).all() == []

    assert enrol(client, "calf").status_code == 302
    assert enrol(client, "calf").status_code == 302  # a double submit is harmless
    with app.app_context():
        (enrolment,) = db.session.scalars(select(Enrolment)).all()
        assert enrolment.user_id == user_id
        assert enrolment.module_version.module_id == "calf"
        assert enrolment.attestation_text == ATTESTATION
        assert enrolment.attestation_version == "test-3"
        assert enrolment.attested_at.tzinfo is not None
    page = client.get("/modules/calf").text
    assert "Enrolled on" in page and "Start: Lesson 1" in page


def test_enrolment_needs_a_signed_in_learner(client):
    response = client.post("/modules/calf/enrol", data={"accept": "y"})
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_prerequisites_must_be_completed_first(app, client):
    user_id = make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    page = client.get("/modules/low-back").text
    assert "Complete these modules before you enrol" in page
    refused = enrol(client, "low-back")
    assert refused.status_code == 422
    assert "Complete these modules first: Calf and heel pain" in refused.text
    with app.app_context():
        calf = db.session.scalar(select(ModuleVersion).where(ModuleVersion.module_id == "calf"))
        db.session.add(Completion(user_id=user_id, module_version_id=calf.id))
        db.session.commit()
    assert enrol(client, "low-back").status_code == 302


def test_a_retired_version_takes_no_new_learners(app, client):
    make_user(app, "learner@example.org")
    with app.app_context():
        version = db.session.scalar(select(ModuleVersion).where(ModuleVersion.module_id == "shin"))
        version.status = VersionStatus.RETIRED
        db.session.commit()
    login(client, "learner@example.org")
    assert client.get("/modules/shin").status_code == 404
    assert client.post("/modules/shin/enrol").status_code in (400, 404)
    assert "Shin pain" not in titles_on(client.get("/modules").text)


def test_learners_stay_on_their_version_when_a_new_one_is_published(app, make_app, content):
    make_user(app, "early@example.org")
    early = app.test_client()
    login(early, "early@example.org")
    enrol(early, "calf")
    write_package(content, "calf", title="Calf and heel pain, revised", version="1.1.0")
    make_app(COURSEKIT_MODULES_PATH=str(content / "modules"), COURSEKIT_PUBLISH_ON_START=True)

    page = early.get("/modules/calf").text
    assert "Version 1.0.0" in page and "Version 1.1.0 has been published since" in page
    make_user(app, "late@example.org")
    late = app.test_client()
    login(late, "late@example.org")
    assert "Calf and heel pain, revised" in late.get("/modules").text
    enrol(late, "calf")
    with app.app_context():
        versions = {
            e.user_id: e.module_version.version for e in db.session.scalars(select(Enrolment))
        }
    assert sorted(versions.values()) == ["1.0.0", "1.1.0"]


def test_changing_a_published_version_without_a_bump_is_refused(app, make_app, content, caplog):
    write_package(content, "calf", title="Calf, quietly edited")
    other = make_app(
        COURSEKIT_MODULES_PATH=str(content / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )
    assert "bump the version" in caplog.text
    assert "module.yaml:3:" in caplog.text  # the version line
    with other.app_context():
        (calf,) = db.session.scalars(select(ModuleVersion).where(ModuleVersion.module_id == "calf"))
        assert calf.title == "Calf and heel pain"
    assert "Calf, quietly edited" not in other.test_client().get("/modules").text


def test_instructors_see_lesson_links_without_enrolling(app, client):
    make_user(app, "teacher@example.org", Role.INSTRUCTOR)
    login(client, "teacher@example.org")
    page = client.get("/modules/calf").text
    assert 'href="/modules/calf/lessons/01-anatomy"' in page


def test_a_broken_package_is_logged_and_the_others_still_serve(make_app, tmp_path, caplog):
    write_package(tmp_path, "good", title="Good module")
    broken = write_package(tmp_path, "broken", title="Broken module")
    (broken / "module.yaml").write_text("id: broken\ntitle: [unclosed\n")
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )
    assert titles_on(app.test_client().get("/modules").text) == ["Good module"]
    assert "modules/broken/module.yaml:3:1: invalid YAML" in caplog.text.replace(
        str(tmp_path) + "/", ""
    )


def test_debug_server_publishes_packages_changed_on_disk(make_app, tmp_path):
    write_package(tmp_path, "calf", title="Calf")
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )
    app.debug = True
    client = app.test_client()
    assert titles_on(client.get("/modules").text) == ["Calf"]
    write_package(tmp_path, "calf", title="Calf, revised", version="1.1.0")
    write_package(tmp_path, "shin", title="Shin")
    assert titles_on(client.get("/modules").text) == ["Calf, revised", "Shin"]


def test_the_module_page_shows_assessment_steps_to_learners_and_staff_links_to_staff(app, client):
    make_user(app, "ann@example.org")
    login(client, "ann@example.org")
    enrol(client, "calf")
    page = client.get("/modules/calf").text
    assert "Post-test" in page and "pass mark 75 %" in page and "Course evaluation" in page
    assert "/modules/calf/post-test" in page and "/teach/" not in page
    staff = app.test_client()
    make_user(app, "teacher@example.org", Role.INSTRUCTOR)
    login(staff, "teacher@example.org")
    staff_page = staff.get("/modules/calf").text
    assert "/teach/modules/calf/questions" in staff_page
    assert "/teach/modules/calf/evaluations" in staff_page


def test_prerequisite_steps_follow_the_longest_chain_and_never_loop():
    def package(*prerequisites):
        return SimpleNamespace(prerequisites=prerequisites)

    packages = {
        "a": package(),
        "b": package("a"),
        "c": package("a", "b"),
        "d": package("gone"),  # a prerequisite no longer offered counts for nothing
        "x": package("y"),  # a cycle from stale versions: cut, not followed round
        "y": package("x"),
    }
    steps = prerequisite_steps(packages)
    assert {key: steps[key] for key in "abcd"} == {"a": 0, "b": 1, "c": 2, "d": 0}
    assert sorted((steps["x"], steps["y"])) == [0, 1]
