"""The ``api`` blueprint object; each ``*_views`` module adds its routes to it, and
``blueprint.py`` puts them together with the hooks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
