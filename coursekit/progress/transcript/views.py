"""The signed-in learner's CE transcript: the page, and its CSV and PDF downloads.

There is no id in these URLs: each reads the transcript of whoever is signed in, so no
learner can ask for another's. The period comes from the query string (``period=all``,
``nccaom``, ``california``, or ``custom`` with ``start`` and ``end``); an invalid one
answers 400 with the period form and its errors, on every URL.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request
from werkzeug.wrappers import Response

from coursekit.access import access, current_account
from coursekit.accounts.queries import with_licences
from coursekit.db import utcnow
from coursekit.progress.transcript.documents import (
    render_transcript,
    transcript_csv,
    transcript_pdf,
)
from coursekit.progress.transcript.periods import PeriodForm
from coursekit.progress.transcript.queries import Transcript, transcript_for
from coursekit.ratelimit import hit
from coursekit.web import Page

bp = Blueprint("transcript", __name__)


def _read(today: date) -> tuple[PeriodForm, Transcript | None]:
    """The period form, and the signed-in learner's transcript for the period it asks
    for (None when the period is invalid: the errors are on the form)."""
    form = PeriodForm(request.args, today=today)
    period = form.chosen()
    return form, None if period is None else transcript_for(current_account(), period)


def _refused(form: PeriodForm) -> tuple[str, int]:
    return render_transcript("transcript.html", None, form=form), 400


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A learner's records: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/transcript")
@access("learner")
def page() -> Page:
    form, transcript = _read(utcnow().date())
    if transcript is None:
        return _refused(form)
    with_licences(transcript.learner)  # the page prints them; the CSV does not
    return render_transcript("transcript.html", transcript, form=form)


@bp.get("/transcript.csv")
@access("learner")
def download_csv() -> Page:
    form, transcript = _read(utcnow().date())
    if transcript is None:
        return _refused(form)
    filename = f"ce-transcript-{transcript.period.slug}.csv"
    return _download(transcript_csv(transcript), "text/csv", filename)


@bp.get("/transcript.pdf")
@access("learner")
def download_pdf() -> Page:
    # A PDF costs a third of a second of a worker's time: limit how often one learner asks.
    account = current_account()
    hit("COURSEKIT_PDF_LIMIT", key=lambda: f"pdf:{account.id}")
    now = utcnow()
    form, transcript = _read(now.date())
    if transcript is None:
        return _refused(form)
    with_licences(transcript.learner)
    filename = f"ce-transcript-{transcript.period.slug}.pdf"
    return _download(transcript_pdf(transcript, generated_at=now), "application/pdf", filename)
