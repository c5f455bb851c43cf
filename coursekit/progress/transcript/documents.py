"""The transcript as documents: the page and the PDF (HTML from one set of templates), and
the CSV.

The CSV has a header row and one row per amount of credit (NCCAOM points in one category,
or a state board's hours), so a spreadsheet sums it per board and category; its columns
are ``CSV_COLUMNS``, described in docs/transcript.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app, render_template

from coursekit.certificates.rendering import render_pdf
from coursekit.packages.values import Credit
from coursekit.progress.transcript.queries import (
    Transcript,
    amount_text,
    board_name,
    credit_lines,
    unit,
)
from coursekit.spreadsheet import defused

CSV_COLUMNS = (
    "completed_on",
    "module_id",
    "module_title",
    "module_version",
    "board",
    "category",
    "amount",
    "unit",
    "course_number",
    "provider_number",
    "certificate_number",
)


def credit_text(credit: Credit) -> str:
    """One board's credit in words: ``NCCAOM, course PDA-602-113: AOM-AC 1.5, SA 0.5 PDA
    points`` or ``California (CA), provider CEP-1234: 2 hours, category 1``."""
    numbers = (("course", credit.course_number), ("provider", credit.provider_number))
    head = board_name(credit.board) + "".join(f", {name} {n}" for name, n in numbers if n)
    lines = list(credit_lines(credit))
    if credit.points:
        amounts = ", ".join(f"{line.category} {amount_text(line.amount)}" for line in lines)
        only = lines[0].amount if len(lines) == 1 else None
        return f"{head}: {amounts} {unit(credit.board, only)}"
    (line,) = lines
    category = f", category {line.category}" if line.category else ""
    return f"{head}: {amount_text(line.amount)} {unit(credit.board, line.amount)}{category}"


HELPERS: dict[str, Callable[..., Any]] = {
    "amount": amount_text,
    "board_name": board_name,
    "credit_text": credit_text,
    "unit": unit,
}


def render_transcript(template: str, transcript: Transcript, **context: Any) -> str:
    """One of the transcript templates, with the helpers they format amounts with."""
    return render_template(
        f"coursekit/progress/{template}", transcript=transcript, **HELPERS, **context
    )


def transcript_csv(transcript: Transcript) -> bytes:
    """The transcript's completions as CSV: UTF-8 with a byte-order mark (without one,
    spreadsheet programs misread accented titles), CRLF line ends, every cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in transcript.entries:
        for line in entry.lines():
            row = (
                entry.completed_at.date().isoformat(),
                entry.module_id,
                entry.title,
                entry.version,
                line.board,
                line.category,
                amount_text(line.amount),
                unit(line.board),
                line.course_number,
                line.provider_number,
                entry.certificate_number,
            )
            writer.writerow([defused(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def transcript_pdf(transcript: Transcript, *, generated_at: datetime) -> bytes:
    """The transcript as a PDF, rendered by WeasyPrint from HTML and CSS. The template
    loads nothing (its CSS is inline, every value is escaped text), and the certificate's
    renderer fetches only ``data:`` addresses, so rendering never reads a file or the
    network even if a value slipped through as markup."""
    html = render_transcript(
        "transcript_pdf.html",
        transcript,
        generated_at=generated_at,
        provider=current_app.config["COURSEKIT_PROVIDER_NAME"],
    )
    return render_pdf(html)
