"""CourseKit: continuing-education seminars for licensed acupuncturists.

Use :class:`CourseKit` to mount it in your Flask app, or :func:`create_app` to run it on
its own.
"""

from coursekit.app import create_app
from coursekit.extension import CourseKit

__all__ = ["CourseKit", "create_app"]
