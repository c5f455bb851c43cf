"""The staff API (instructors and administrators): importing this module adds the routes
of its view modules to the API blueprint. ``blueprint.py`` imports it beside the learner
views, so the two lists grow apart without touching each other."""

from __future__ import annotations

from coursekit.api import (  # noqa: F401  (they add their routes to bp)
    admin_audit_views,
    admin_certificate_views,
    admin_module_views,
    admin_provider_views,
    admin_roster_views,
    admin_settings_views,
    admin_user_views,
    instructor_views,
    instructor_worksheet_views,
    upload_views,
)
