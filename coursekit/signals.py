"""Blinker signals a host app can connect to. Each is sent after the change is flushed,
with the Flask app as sender."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("coursekit.user-registered")
"""A new account exists. Keyword argument: ``user``."""

password_changed = _signals.signal("coursekit.password-changed")
"""A user's password was changed or reset; their other sessions are ended. ``user``."""

enrolled = _signals.signal("coursekit.enrolled")
"""A learner enrolled in a module version (accepting its attestation). ``enrolment``
(a ``coursekit.catalog.models.Enrolment``). Enrolling again changes nothing and sends
nothing."""

lesson_completed = _signals.signal("coursekit.lesson-completed")
"""A learner marked a lesson complete. ``enrolment``, and ``event`` (the
``coursekit.lessons.models.LessonEvent`` recorded). Completing a lesson again is recorded,
and sent, again; it counts once towards the module."""

attempt_submitted = _signals.signal("coursekit.attempt-submitted")
"""A post-test attempt was closed and graded for the first time: submitted by the learner
or closed at its time limit. ``attempt`` (``coursekit.assessment.attempts.models.Attempt``)
and ``grade`` (its first ``AttemptGrade``). Regrades send nothing."""

module_completed = _signals.signal("coursekit.module-completed")
"""A learner completed a module version: its completion rule holds for the first time.
``completion`` (a ``coursekit.progress.models.Completion``)."""

certificate_issued = _signals.signal("coursekit.certificate-issued")
"""A certificate was issued. ``certificate``, and ``replaces`` (None)."""

certificate_reissued = _signals.signal("coursekit.certificate-reissued")
"""A replacement certificate was issued. ``certificate`` (the new one), ``replaces`` (the
one it replaces, now superseded or still revoked)."""

certificate_revoked = _signals.signal("coursekit.certificate-revoked")
"""A certificate was revoked. ``certificate``."""
