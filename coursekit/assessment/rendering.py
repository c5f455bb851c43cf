"""Rendering questions: the one place that decides what a template is given.

Every page that shows a question (an attempt, its review, a worksheet) builds the
template's context here, so "no key before the policy allows it" is decided once: the
key reaches a template only through ``review``, and only when the caller says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import url_for
from markupsafe import Markup

from coursekit.assessment.registry import registry
from coursekit.assessment.types.base import Arrangement, Question
from coursekit.packages import markdown
from coursekit.packages.values import ModulePackage


def media_url_for(package: ModulePackage) -> Callable[[str], str]:
    """``media:NAME`` → the URL that serves it for this version."""
    return lambda name: url_for(
        "coursekit.lessons.media", content_hash=package.content_hash, name=f"media/{name}"
    )


def markdown_renderer(
    package: ModulePackage, media_url: Callable[[str], str] | None = None
) -> Callable[[str], Markup]:
    """Author Markdown → sanitised HTML, with the version's media (served by
    ``media_url``; by default the route that serves published versions)."""
    media_base = (media_url or media_url_for(package))("")
    return lambda text: _rendered(media_base, text or "")


@lru_cache(maxsize=4096)
def _rendered(media_base: str, text: str) -> Markup:
    # A version's texts never change and its media URLs share one prefix (which holds the
    # content hash), so each text is rendered once per process, as lessons are.
    return Markup(markdown.render(text, lambda name: media_base + name))  # noqa: S704 - sanitised by render  # nosec B704


@dataclass(frozen=True)
class RenderedQuestion:
    """Everything a question's template needs, and nothing more."""

    template: str
    context: dict[str, Any]


def render_context(
    package: ModulePackage,
    question: Question,
    arrangement: Arrangement,
    *,
    name: str = "answer",
    response: Any = None,
    closed: bool = False,
    show_key: bool = False,
    media_url: Callable[[str], str] | None = None,
) -> RenderedQuestion:
    """The template and context for one question. ``show_key`` is the caller's review
    policy decision; without it the context holds nothing of the key. ``media_url``
    serves the package's media (by default, the route for published versions; a preview
    of a staged upload gives its own)."""
    media_url = media_url or media_url_for(package)
    kind = registry()[question["type"]]
    image = question.get("image")
    context: dict[str, Any] = {
        "q": kind.present(question, arrangement),
        "name": name,
        "value": None if response is None else kind.display(question, arrangement, response),
        "review": kind.key(question, arrangement) if show_key else None,
        "closed": closed,
        "md": markdown_renderer(package, media_url),
        "points": question.get("points") if kind.graded else None,
        "graded": kind.graded,
    }
    if isinstance(image, str) and image.startswith(markdown.MEDIA_SCHEME):
        context["image_url"] = media_url(image[len(markdown.MEDIA_SCHEME) :])
    return RenderedQuestion(kind.template, context)
