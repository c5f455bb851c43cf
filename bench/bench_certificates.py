"""Benchmark: issuing certificates (PDF rendered and stored) and verifying them, on SQLite.

Run: python bench/bench_certificates.py [--single 50] [--bulk 1000] [--lookups 500]
Publishes one module with NCCAOM and California credit, configures a provider with a logo
and a signature, and writes completed learners (accented names, an NCCAOM ID, a state
licence, a passed post-test) straight to the database. Then it measures:
- single issue: one certificate per transaction, as the learner's last step does it
  (snapshot, number, PDF rendered with WeasyPrint and stored, audit entry, mail);
- bulk issue: every eligible completion of the version, as `coursekit certificates issue`
  does it (a commit after each certificate), with the process's resident memory before,
  after and at its peak, and the stored bytes per certificate;
- verification: the public page and its JSON for random issued codes, through the app.
Also a part of ``python -m bench`` (``run``), with far fewer certificates.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure
from bench.focused import request_figures, run_script
from coursekit import create_app, db
from coursekit.accounts.models import StateLicence, User
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptGrade
from coursekit.catalog.models import Enrolment
from coursekit.certificates.bulk import eligible_completion_ids, issue_each
from coursekit.certificates.models import Certificate, CertificateFile
from coursekit.certificates.operations import issue_certificate
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion
from tests.package_factory import write_package

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
NAMES = [("Zoë", "Łukasz-Ørsted"), ("Nguyễn", "Thị Minh"), ("José", "Núñez"), ("Ana", "Smith")]


def image(folder: Path, name: str, size: tuple[int, int], colour: str) -> str:
    Image.new("RGB", size, colour).save(folder / name)
    return name


def build_app(folder: Path):
    write_package(folder, "calf", title="Calf and heel pain: gastrocnemius and soleus")
    instance = folder / "instance"
    instance.mkdir()
    os.environ["COURSEKIT_INSTANCE_PATH"] = str(instance)
    provider = {
        "name": "Blue Heron Acupuncture Seminars",
        "address": "12 Willow Lane, Portland, OR 97201",
        "contact": "ce@blueheron.example",
        "website": "https://blueheron.example",
        "nccaom_provider_number": "602",
        "state_numbers": {"CA": "CEP-1234"},
        "signatory_name": "Dr. Mei-Ling Okonkwo",
        "signatory_title": "Director of Education",
        "issuing": "approval",
        "logo": image(instance, "logo.png", (600, 200), "#2f4f4f"),
        "signature": image(instance, "signature.png", (500, 150), "#1a1a6a"),
    }
    return create_app(
        {
            "COURSEKIT_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "COURSEKIT_SECRET_KEY": "bench",
            "COURSEKIT_MODULES_PATH": str(folder / "modules"),
            "COURSEKIT_PROVIDER": provider,
            "COURSEKIT_PUBLIC_URL": "https://ce.example.org",
            "COURSEKIT_VERIFY_LIMIT": "1000000 per minute",
            "COURSEKIT_MAIL_SENDER": lambda _app, _message: None,
        }
    )


def add_learners(app, count: int) -> None:
    """``count`` learners who completed the module, written in one transaction."""
    with app.app_context():
        version = db.session.scalar(select(ModuleVersion.id))
        for number in range(count):
            first, last = NAMES[number % len(NAMES)]
            user = User(
                email=f"learner{number}@example.org",
                password_hash="!",
                first_name=first,
                last_name=f"{last} {number}",
                nccaom_id=str(100000 + number),
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(StateLicence(user_id=user.id, state="CA", number=f"AC {number}"))
            enrolment = Enrolment(
                user_id=user.id,
                module_version_id=version,
                enrolled_at=T0,
                attestation_version="2026-1",
                attestation_text="I attest that I will complete this course myself.",
                attested_at=T0,
            )
            db.session.add(enrolment)
            db.session.flush()
            attempt = Attempt(
                enrolment_id=enrolment.id,
                quiz=POST_TEST,
                number=1,
                questions=[],
                started_at=T0 + timedelta(hours=2),
                closed_at=T0 + timedelta(hours=2, minutes=20),
                close_reason="submitted",
            )
            db.session.add(attempt)
            db.session.flush()
            db.session.add(
                AttemptGrade(
                    attempt_id=attempt.id,
                    revision=1,
                    key_version_id=version,
                    reason="submitted",
                    earned=9,
                    possible=10,
                    percent=90,
                    passed=True,
                    results=[],
                )
            )
            db.session.add(
                Completion(
                    user_id=user.id,
                    module_version_id=version,
                    completed_at=T0 + timedelta(hours=3, seconds=number),
                )
            )
        db.session.commit()


def resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def single_issue(app, count: int) -> list[float]:
    """Milliseconds per certificate, each issued and committed on its own."""
    timings = []
    with app.app_context():
        ids = eligible_completion_ids(db.session.scalars(select(ModuleVersion.id)))[:count]
    for completion_id in ids:
        with app.app_context():
            start = time.perf_counter()
            completion = db.session.get(Completion, completion_id)
            issue_certificate(completion, actor=None, now=completion.completed_at)
            db.session.commit()
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def lookups(app, codes: list[str], count: int, suffix: str = "") -> list[float]:
    client = app.test_client()
    timings = []
    for _ in range(count):
        code = random.choice(codes)
        start = time.perf_counter()
        response = client.get(f"/verify/{code}{suffix}")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def summary(label: str, timings: list[float]) -> tuple[float, float]:
    """Print and return the median and p95 of ``timings``."""
    timings = sorted(timings)
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95)]
    print(f"{label:<28}{len(timings):>6}{median:>10.1f}{p95:>9.1f}{1000 / median:>9.1f}")
    return median, p95


def parser() -> argparse.ArgumentParser:
    """The command line: certificates issued singly and in bulk, and lookups."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--single", type=int, default=50)
    parser.add_argument("--bulk", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=500)
    return parser


def benchmark(args: argparse.Namespace) -> list[Figure]:
    """Measure issuing and verifying, print the figures and return them."""
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        add_learners(app, args.single + args.bulk)
        print(f"{'measure':<28}{'n':>6}{'median ms':>10}{'p95 ms':>9}{'per s':>9}")
        first, _ = summary("first issue of the process", single_issue(app, 1))  # imports WeasyPrint
        single, single_p95 = summary("single issue (PDF + commit)", single_issue(app, args.single))
        before = resident_mb()
        start = time.perf_counter()
        with app.app_context():
            waiting = eligible_completion_ids(db.session.scalars(select(ModuleVersion.id)))
            result = issue_each(waiting, actor=None)
        elapsed = time.perf_counter() - start
        with app.app_context():
            total, stored = db.session.execute(
                select(func.count(Certificate.id), func.sum(CertificateFile.size)).join(
                    CertificateFile, CertificateFile.certificate_id == Certificate.id
                )
            ).one()
            codes = list(db.session.scalars(select(Certificate.code)))
        issued, after, peak = len(result.issued), resident_mb(), peak_mb()
        print(
            f"bulk issue: {issued} certificates in {elapsed:.1f} s "
            f"({issued / elapsed:.1f} PDFs/s), {len(result.failed)} failed"
        )
        print(
            f"resident memory: {before:.0f} MB before bulk, {after:.0f} MB after, "
            f"peak {peak:.0f} MB"
        )
        print(f"stored: {total} certificates, {stored / total / 1024:.1f} KB of PDF each")
        print(f"{'measure':<28}{'n':>6}{'median ms':>10}{'p95 ms':>9}{'per s':>9}")
        page, page_p95 = summary("verification page", lookups(app, codes, args.lookups))
        as_json, json_p95 = summary("verification JSON", lookups(app, codes, args.lookups, ".json"))
        app.extensions["coursekit"].db.engine.dispose()
    bulk = f"bulk issue of {issued}, per certificate"
    return [
        Figure("certificates", "first issue of a process (imports WeasyPrint)", first, "ms"),
        *request_figures("certificates", "single issue (PDF + commit)", single, single_p95),
        Figure("certificates", bulk, elapsed * 1000 / issued, "ms", "single issue", single),
        Figure("certificates", "resident memory after bulk issue", after, "MB", "before", before),
        Figure("certificates", "peak resident memory of the process", peak, "MB"),
        Figure("certificates", "stored PDF per certificate", stored / total / 1024, "KB"),
        *request_figures("certificates", "verification page", page, page_p95),
        *request_figures(
            "certificates", "verification JSON", as_json, json_p95, reference=("page", page)
        ),
    ]


def run(options: argparse.Namespace) -> list[Figure]:
    """The suite's part: 10 single and 20 bulk certificates, 200 lookups of each kind (3, 5
    and 50 with ``--quick``)."""
    sizes = ["3", "5", "50"] if options.quick else ["10", "20", "200"]
    arguments = ["--single", sizes[0], "--bulk", sizes[1], "--lookups", sizes[2]]
    return run_script(benchmark, parser(), arguments)


def main() -> None:
    benchmark(parser().parse_args())


if __name__ == "__main__":
    main()
