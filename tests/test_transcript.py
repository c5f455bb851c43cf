"""The learner's CE transcript: completions with their credit, totals per board and
category over a period, the CSV and PDF downloads, bad periods, and a fixed query budget."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import StateLicence
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion
from coursekit.progress.transcript.documents import CSV_COLUMNS
from coursekit.progress.transcript.periods import preset, years_before
from tests.helpers import login, make_user
from tests.package_factory import write_package
from tests.querycount import queries_for

NAME = {"first_name": "Zoë", "last_name": "Ångström-Núñez", "nccaom_id": "12345"}
# calf keeps the factory's credit: NCCAOM AOM-AC 1.5 and SA 0.5, California category 1, 2 h.
NECK_CREDITS = [
    {"board": "NCCAOM", "course_number": "PDA-000-002", "points": {"AOM-BIO": 2, "ET": 1.25}},
    {"board": "CA", "provider_number": "CEP-0000", "category": "2", "hours": 1},
]
HIP_CREDITS = [{"board": "NCCAOM", "course_number": "PDA-000-003", "points": {"AOM-AC": 0.75}}]
TITLES = {"calf": "Calf pain: soleus", "neck": "Épaule et cou", "hip": "=HYPERLINK(1) hip"}
DOWNLOADS = ("/transcript", "/transcript.csv", "/transcript.pdf")


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf", title=TITLES["calf"])
    write_package(tmp_path, "neck", title=TITLES["neck"], credits=NECK_CREDITS)
    write_package(tmp_path, "hip", title=TITLES["hip"], credits=HIP_CREDITS)
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def learner(app, email="zoe@example.org", **profile):
    """A signed-in client of a new learner, and the learner's id."""
    user_id = make_user(app, email, **{**NAME, **profile})
    client = app.test_client()
    login(client, email)
    return client, user_id


def complete(app, user_id: int, module_id: str, at: datetime) -> None:
    """A completion row, written directly: the completion rule is not under test here."""
    with app.app_context():
        version_id = db.session.scalar(
            select(ModuleVersion.id).where(ModuleVersion.module_id == module_id)
        )
        db.session.add(Completion(user_id=user_id, module_version_id=version_id, completed_at=at))
        db.session.commit()


def on(day: date, moment: time = time(12)) -> datetime:
    return datetime.combine(day, moment, UTC)


def csv_rows(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/transcript.csv{query}")
    assert response.status_code == 200, response.text
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    return list(csv.DictReader(io.StringIO(text)))


def totals(rows: list[dict[str, str]]) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], float] = {}
    for row in rows:
        key = (row["board"], row["category"])
        found[key] = found.get(key, 0) + float(row["amount"])
    return found


def pdf_text(client, query: str = "") -> str:
    response = client.get(f"/transcript.pdf{query}")
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(response.data)).pages
    # Table cells wrap their text onto several lines; compare words, not line breaks.
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_totals_per_board_and_category(app):
    client, me = learner(app)
    today = datetime.now(UTC).date()
    complete(app, me, "calf", on(today - timedelta(days=10)))
    complete(app, me, "neck", on(today - timedelta(days=400)))
    complete(app, me, "hip", on(today - timedelta(days=1200)))
    page = client.get("/transcript")
    assert page.status_code == 200
    html = " ".join(page.text.split())
    for row in (
        '<td>AOM-AC</td> <td class="number">2.25 PDA points</td>',
        '<td>SA</td> <td class="number">0.5 PDA points</td>',
        '<td>AOM-BIO</td> <td class="number">2 PDA points</td>',
        '<td>ET</td> <td class="number">1.25 PDA points</td>',
        '<td>All categories</td> <td class="number"><strong>6 PDA points</strong></td>',
        '<td>1</td> <td class="number">2 hours</td>',
        '<td>2</td> <td class="number">1 hour</td>',
        '<td>All categories</td> <td class="number"><strong>3 hours</strong></td>',
        "NCCAOM, course PDA-000-002: AOM-BIO 2, ET 1.25 PDA points",
        "California (CA), provider CEP-0000: 2 hours, category 1",
    ):
        assert row in html
    assert "Zoë Ångström-Núñez" in html
    assert html.count("Not issued yet") == 3
    assert html.index(TITLES["hip"]) < html.index(TITLES["neck"]) < html.index(TITLES["calf"])
    cycle = client.get("/transcript?period=california").text
    assert 'href="/transcript.csv?period=california"' in cycle

    assert totals(csv_rows(client)) == {
        ("NCCAOM", "AOM-AC"): 2.25,
        ("NCCAOM", "SA"): 0.5,
        ("NCCAOM", "AOM-BIO"): 2,
        ("NCCAOM", "ET"): 1.25,
        ("CA", "1"): 2,
        ("CA", "2"): 1,
    }
    # The California cycle (2 years) leaves out the hip module; both keep calf and neck.
    assert totals(csv_rows(client, "?period=california")) == {
        ("NCCAOM", "AOM-AC"): 1.5,
        ("NCCAOM", "SA"): 0.5,
        ("NCCAOM", "AOM-BIO"): 2,
        ("NCCAOM", "ET"): 1.25,
        ("CA", "1"): 2,
        ("CA", "2"): 1,
    }
    assert totals(csv_rows(client, "?period=nccaom"))[("NCCAOM", "AOM-AC")] == 2.25
    narrow = csv_rows(client, f"?period=custom&start={today - timedelta(days=30)}&end={today}")
    assert totals(narrow) == {("NCCAOM", "AOM-AC"): 1.5, ("NCCAOM", "SA"): 0.5, ("CA", "1"): 2}


def test_period_boundaries_are_inclusive_days_in_utc(app):
    client, me = learner(app)
    first, last = date(2025, 3, 1), date(2025, 3, 31)
    complete(app, me, "calf", on(first - timedelta(days=1), time.max))
    complete(app, me, "neck", on(first, time.min))
    complete(app, me, "hip", on(last, time.max))
    outside = make_user(app, "late@example.org")  # a second learner, one moment too late
    complete(app, outside, "calf", on(last + timedelta(days=1), time.min))
    rows = csv_rows(client, f"?period=custom&start={first}&end={last}")
    assert {row["module_id"] for row in rows} == {"neck", "hip"}
    assert {row["completed_on"] for row in rows} == {"2025-03-01", "2025-03-31"}
    one_day = csv_rows(client, f"?period=custom&start={last}&end={last}")
    assert {row["module_id"] for row in one_day} == {"hip"}
    # The widest dates the form accepts reach the database without overflowing.
    everything = csv_rows(client, "?period=custom&start=0001-01-01&end=9999-12-31")
    assert {row["module_id"] for row in everything} == {"calf", "neck", "hip"}


def test_cycle_presets_end_today_and_start_the_day_after_the_same_date(app):
    today = date(2026, 11, 21)
    assert (preset("nccaom", today).start, preset("nccaom", today).end) == (
        date(2022, 11, 22),
        today,
    )
    assert preset("california", today).start == date(2024, 11, 22)
    assert preset("california", date(2028, 2, 29)).start == date(2026, 3, 1)
    assert years_before(date(2028, 2, 29), 4) == date(2024, 2, 29)
    assert preset("all", today).since is None and preset("all", today).until is None

    client, me = learner(app)
    now = datetime.now(UTC)
    start = preset("california", now.date()).start
    complete(app, me, "calf", on(start, time.min))
    complete(app, me, "neck", on(start - timedelta(days=1), time.max))
    assert {row["module_id"] for row in csv_rows(client, "?period=california")} == {"calf"}


def test_an_empty_transcript(app):
    client, _me = learner(app)
    page = client.get("/transcript")
    assert page.status_code == 200
    assert "No completed modules in this period." in page.text
    assert "No credit in this period." in page.text
    assert csv_rows(client) == []
    text = pdf_text(client)
    assert "Zoë Ångström-Núñez" in text and "No completed modules in this period." in text


def test_another_learners_completions_never_appear(app):
    client, me = learner(app)
    other = make_user(app, "other@example.org", first_name="Other", last_name="Person")
    complete(app, me, "calf", on(date(2026, 1, 5)))
    complete(app, other, "neck", on(date(2026, 1, 6)))
    complete(app, other, "calf", on(date(2026, 1, 7)))
    page = client.get("/transcript").text
    assert TITLES["neck"] not in page and "Other Person" not in page
    assert page.count("Not issued yet") == 1
    rows = csv_rows(client)
    assert {(row["module_id"], row["completed_on"]) for row in rows} == {("calf", "2026-01-05")}
    text = pdf_text(client)
    assert TITLES["neck"] not in text and "Other Person" not in text


def test_the_csv_has_one_guarded_row_per_amount_of_credit(app):
    client, me = learner(app)
    complete(app, me, "calf", on(date(2026, 2, 3)))
    complete(app, me, "hip", on(date(2026, 2, 4)))
    response = client.get("/transcript.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="ce-transcript-all-time.csv"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data.startswith("\ufeff".encode()) and b"\r\n" in response.data
    calf = ["2026-02-03", "calf", TITLES["calf"], "1.0.0"]
    hip = ["2026-02-04", "hip", "'=HYPERLINK(1) hip", "1.0.0"]  # kept as text, never run
    assert [list(row.values()) for row in csv_rows(client)] == [
        [*calf, "NCCAOM", "AOM-AC", "1.5", "PDA points", "PDA-000-001", "", ""],
        [*calf, "NCCAOM", "SA", "0.5", "PDA points", "PDA-000-001", "", ""],
        [*calf, "CA", "1", "2", "hours", "", "CEP-0000", ""],
        [*hip, "NCCAOM", "AOM-AC", "0.75", "PDA points", "PDA-000-003", "", ""],
    ]


def test_the_pdf_prints_accented_names_and_every_title(app):
    client, me = learner(app)
    complete(app, me, "calf", on(date(2026, 2, 3)))
    complete(app, me, "neck", on(date(2026, 2, 4)))
    response = client.get("/transcript.pdf?period=custom&start=2026-01-01&end=2026-12-31")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="ce-transcript-2026-01-01_2026-12-31.pdf"'
    )
    text = pdf_text(client, "?period=custom&start=2026-01-01&end=2026-12-31")
    for expected in ("Zoë Ångström-Núñez", "12345", TITLES["calf"], TITLES["neck"]):
        assert expected in text
    assert "01 January 2026 to 31 December 2026" in text
    page = client.get("/transcript?period=custom&start=2026-01-01&end=2026-12-31").text
    assert 'href="/transcript.pdf?period=custom&amp;start=2026-01-01&amp;end=2026-12-31"' in page
    assert "PDA-000-002" in text and "Not issued yet" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?period=bogus", "Not a valid choice."),
        ("?period=custom", "Enter the first day of the period."),
        ("?period=custom&start=2025-01-01", "Enter the last day of the period."),
        (
            "?period=custom&start=2025-05-01&end=2025-04-30",
            "The last day must not be before the first day.",
        ),
        ("?period=custom&start=2025-02-30&end=2025-03-01", "Not a valid date value."),
        ("?period=custom&start=yesterday&end=99999-01-01", "Not a valid date value."),
    ],
)
def test_a_bad_period_is_refused_with_400_and_says_why(app, query, message):
    client, me = learner(app)
    complete(app, me, "calf", on(date(2025, 4, 1)))
    for url in DOWNLOADS:
        response = client.get(url + query)
        assert response.status_code == 400, url
        assert response.mimetype == "text/html"
        assert message in response.text
        assert 'role="alert"' in response.text
        assert TITLES["calf"] not in response.text


def test_a_preset_period_does_not_read_the_dates(app):
    client, _me = learner(app)
    response = client.get("/transcript?period=all&start=not-a-date&end=2020-01-01")
    assert response.status_code == 200
    assert "Totals: All time" in response.text


def test_weasyprint_is_not_imported_at_start_up():
    # A server without pango must serve every page but the PDF (docs/deployment.md).
    code = "import sys, coursekit.blueprint; sys.exit('weasyprint' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], check=False)  # noqa: S603 (constant)
    assert run.returncode == 0


def test_the_transcript_is_linked_from_the_navigation(app):
    client, _me = learner(app)
    assert 'href="/transcript"' in client.get("/account").text


def build_for_budget(make_app, root, completions: int, who: str):
    modules = [f"m{number}" for number in range(completions)]
    for module_id in modules:
        write_package(root, module_id, credits=NECK_CREDITS)
    app = make_app(COURSEKIT_MODULES_PATH=str(root / "modules"), COURSEKIT_PUBLISH_ON_START=True)
    client, me = learner(app, f"{who}@example.org")
    with app.app_context():
        for state in ("CA", "TX"):
            db.session.add(StateLicence(user_id=me, state=state, number=f"{state}-1"))
        db.session.commit()
    for number, module_id in enumerate(modules):
        complete(app, me, module_id, on(date(2026, 1, 1) + timedelta(days=number)))
    for url in DOWNLOADS:
        client.get(url)  # warm this process's package cache
    return app, client


@pytest.mark.parametrize("url", DOWNLOADS)
def test_the_transcript_costs_a_fixed_number_of_queries(make_app, tmp_path, url):
    few_app, few = build_for_budget(make_app, tmp_path / "few", completions=1, who="few")
    one = queries_for(few_app, few, url)
    many_app, many = build_for_budget(make_app, tmp_path / "many", completions=12, who="many")
    twelve = queries_for(many_app, many, url)
    assert len(twelve) == len(one), (one, twelve)
    # The user with roles, the completions with their versions; the page and the PDF also
    # print the learner's licences.
    assert len(twelve) == (2 if url.endswith(".csv") else 3), twelve


def test_pdfs_are_rate_limited_per_learner(make_app):
    app = make_app(COURSEKIT_PDF_LIMIT="2 per minute")
    client, _ = learner(app)
    other, _ = learner(app, "other@example.org")
    assert [client.get("/transcript.pdf").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/transcript.csv").status_code == 200
    assert other.get("/transcript.pdf").status_code == 200
