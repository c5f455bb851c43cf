"""Rate limits on the endpoints attackers hammer: login and password reset.

Each app gets its own Flask-Limiter instance, configured only from ``COURSEKIT_*``
settings. It sets no default or application-wide limits (a host's ``RATELIMIT_*``
defaults are explicitly exempted), so mounting coursekit leaves the host's own routes
alone. Views apply limits with :func:`limit`; counters live in
``COURSEKIT_RATELIMIT_STORAGE_URI`` (Redis when several processes serve the app).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _always_exempt() -> bool:
    return True


def make_limiter(app: Flask) -> Limiter:
    """A limiter for coursekit's endpoints in ``app``."""
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=app.config["COURSEKIT_RATELIMIT_STORAGE_URI"],
        strategy="moving-window",
        key_prefix="coursekit",
        headers_enabled=False,
        # Coursekit never applies default limits; don't let the host's config add any.
        default_limits_exempt_when=_always_exempt,
        application_limits_exempt_when=_always_exempt,
    )
    limiter.init_app(app)
    return limiter


def hit(setting: str, key: Callable[[], str] | None = None, *, shared: str | None = None) -> None:
    """Count one hit against the limits named by ``setting`` (per client address, or per
    ``key()``); raises ``RateLimitExceeded`` (429) once they are spent.

    Each endpoint counts on its own, unless ``shared`` names a scope: then every endpoint
    hitting with that scope spends the same allowance (a page and its JSON twin).
    """
    limiter: Limiter = current_app.extensions["coursekit"].limiter
    limits = current_app.config[setting]
    if shared is None:
        with limiter.limit(limits, key_func=key):
            pass
    else:
        with limiter.shared_limit(limits, scope=shared, key_func=key):
            pass
