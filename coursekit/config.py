"""Every ``COURSEKIT_*`` setting, with its default and meaning, in one place.

``docs/configuration.md`` is the reader's copy of this table; a test keeps the two in step.
The extension fills in defaults with ``app.config.setdefault`` so a host app's own values win.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One configuration key: its name, default value and a sentence on what it does.

    ``kind`` is the type an environment variable is parsed into; it defaults to the
    default value's type (``str`` when the default is None).
    """

    name: str
    default: Any
    help: str
    kind: type | None = None

    @property
    def value_type(self) -> type:
        if self.kind is not None:
            return self.kind
        return str if self.default is None else type(self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "COURSEKIT_DATABASE_URL",
        None,
        "SQLAlchemy URL of the database. Unset: SQLite file `coursekit.sqlite3` in the "
        "instance folder. PostgreSQL: `postgresql+psycopg://user@host/dbname`.",
    ),
    Setting(
        "COURSEKIT_SQLITE_BUSY_TIMEOUT_MS",
        5000,
        "How long a SQLite connection waits for another writer's lock before failing.",
    ),
    Setting(
        "COURSEKIT_RAISE_ON_LAZY_LOAD",
        False,
        "Development and tests: a request that loads a relationship, or an attribute not "
        "loaded yet, on first access (a lazy load: one more query per object) fails with "
        "`LazyLoadInRequest` naming it and the endpoint. The test suite turns it on.",
    ),
    Setting(
        "COURSEKIT_SECRET_KEY",
        None,
        "Standalone app only: Flask's `SECRET_KEY` (signs sessions, CSRF and reset tokens). "
        "Unset: a random key is generated once and kept in `instance/secret_key`.",
    ),
    Setting(
        "COURSEKIT_AUTO_MIGRATE",
        True,
        "Standalone app only: on start, create and migrate a fresh (empty) database. An "
        "existing database is never upgraded implicitly; run `coursekit db upgrade`.",
    ),
    Setting(
        "COURSEKIT_SECURE_COOKIES",
        None,
        "Standalone app only: mark session and remember cookies `Secure`. Unset: on "
        "unless the app runs in debug mode.",
        kind=bool,
    ),
    Setting(
        "COURSEKIT_TRUSTED_HOSTS",
        None,
        "Standalone app only: the host names the app answers to (Flask's `TRUSTED_HOSTS`), "
        'e.g. `["ce.example.org"]`. Set it in production: links in mail (password '
        "reset) are built from the request's host. Unset: any host.",
        kind=list,
    ),
    Setting(
        "COURSEKIT_TRUSTED_PROXIES",
        0,
        "Standalone app only: how many reverse proxies stand in front of the app. Above 0, "
        "client address, scheme and host are read from their `X-Forwarded-*` headers "
        "(Werkzeug's `ProxyFix`), so rate limits count real clients.",
    ),
    Setting("COURSEKIT_SITE_NAME", "CourseKit", "Name shown in page titles and the header."),
    Setting(
        "COURSEKIT_PROVIDER_NAME",
        "CourseKit continuing education",
        "The CE provider's name, shown in the footer and on certificates.",
    ),
    Setting(
        "COURSEKIT_PASSWORD_MIN_LENGTH",
        10,
        "Shortest password accepted at registration, reset and change.",
    ),
    Setting(
        "COURSEKIT_PASSWORD_MAX_LENGTH",
        128,
        "Longest password accepted (bounds the cost of hashing an attacker's input).",
    ),
    Setting(
        "COURSEKIT_RESET_TOKEN_MAX_AGE",
        3600,
        "Seconds a password-reset link stays valid. A link also dies once it is used or the "
        "password changes.",
    ),
    Setting(
        "COURSEKIT_REMEMBER_DAYS",
        14,
        "Days a 'remember me' login lasts (standalone app; sets `REMEMBER_COOKIE_DURATION`).",
    ),
    Setting(
        "COURSEKIT_RATELIMIT_STORAGE_URI",
        "memory://",
        "Where rate-limit counters live. `memory://` suits one process; use "
        "`redis://host:6379/0` when several processes or machines serve the app.",
    ),
    Setting(
        "COURSEKIT_LOGIN_LIMIT_PER_IP",
        "20 per minute;100 per hour",
        "Login attempts (POSTs) allowed from one client address.",
    ),
    Setting(
        "COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT",
        "5 per minute;30 per hour",
        "Login attempts (POSTs) allowed against one email address, from anywhere.",
    ),
    Setting(
        "COURSEKIT_RESET_LIMIT_PER_IP",
        "5 per minute;20 per hour",
        "Password-reset requests and token submissions allowed from one client address.",
    ),
    Setting(
        "COURSEKIT_MODULES_PATH",
        None,
        "Folders holding module packages, separated by `:` (or a list in "
        "`instance/config.py`). Shared banks and media are the `quizzes/` and `media/` "
        "folders beside each. Unset: the bundled `modules/` folder. Packages installed "
        "with pip (entry-point group `coursekit.modules`) are always found too.",
    ),
    Setting(
        "COURSEKIT_PUBLISH_ON_START",
        True,
        "Standalone app only: on start, load the packages and publish every valid new "
        "version. Otherwise (and in a host app) run `coursekit modules reload`.",
    ),
    Setting(
        "COURSEKIT_PACKAGE_MAX_FILES",
        500,
        "Most files one package (folder or zip) may hold.",
    ),
    Setting(
        "COURSEKIT_PACKAGE_MAX_BYTES",
        50 * 1024 * 1024,
        "Most bytes one package may hold, unpacked (zips are counted while reading).",
    ),
    Setting(
        "COURSEKIT_PACKAGE_MAX_RATIO",
        100,
        "Most a file in a zip may expand (unpacked bytes per packed byte) once it is over "
        "1 MiB unpacked; more is refused as a zip bomb.",
    ),
    Setting(
        "COURSEKIT_UPLOAD_MAX_BYTES",
        16 * 1024 * 1024,
        "Largest packed module (zip) an instructor may upload at `/teach/uploads`; a larger "
        "request is refused with 413 before it is read.",
    ),
    Setting(
        "COURSEKIT_MODULE_APPROVAL",
        False,
        "Whether a module version uploaded by an instructor needs an administrator's "
        "approval: instructors then submit versions, and administrators approve or reject "
        "them at `/admin/uploads`. Off: instructors publish their assigned modules "
        "themselves. See docs/authoring.md.",
    ),
    Setting(
        "COURSEKIT_ATTESTATION_VERSION",
        "2026-1",
        "Label of the participant attestation text; stored with each acceptance. Used "
        "until an administrator saves a wording on /admin/attestation, which then wins. "
        "Change it whenever you change the text.",
    ),
    Setting(
        "COURSEKIT_ATTESTATION_TEXT",
        "I attest that I am the person registered for this course and that I will study "
        "the material and complete every assessment myself, without help from anyone. I "
        "understand that my study time and results are recorded, that my certificate can "
        "be checked by anyone holding its verification code, and that it will be revoked "
        "if this attestation is untrue. I understand that it is my responsibility to make "
        "sure my licensing board accepts this course for my licence.",
        "The participant attestation a learner accepts before enrolling (NCCAOM requires "
        "one on every registration page), until an administrator saves a wording on "
        "/admin/attestation (then the newest saved revision is in force and this setting "
        "is no longer read). Providers approved by NCCAOM should use the wording NCCAOM "
        "currently requires.",
    ),
    Setting(
        "COURSEKIT_EVALUATION_FORM",
        None,
        "Path of a YAML file with the provider's own course evaluation form (format in "
        "`docs/assessment.md`); read when the app starts, which refuses to start if the "
        "file has problems. Unset: the standard CE evaluation form.",
    ),
    Setting(
        "COURSEKIT_HEARTBEAT_SECONDS",
        30,
        "How often an open lesson page reports active reading time. Each report earns at "
        "most 1.5 times this many seconds of seat time, so an idle tab earns nothing.",
    ),
    Setting(
        "COURSEKIT_IDLE_MINUTES",
        5,
        "Minutes without a key press, click, scroll or touch after which a lesson page "
        "stops reporting time (the learner is taken to be away).",
    ),
    Setting(
        "COURSEKIT_SEAT_TIME_SCALE",
        1.0,
        "Demonstrations and browser tests only: every module's required seat time is "
        "multiplied by it (0 < scale <= 1), so a journey runs in seconds. Below 1, every page "
        "says that certificates from this server are not valid CE records.",
    ),
    Setting(
        "COURSEKIT_HEARTBEAT_LIMIT",
        "20 per minute",
        "Seat-time reports one learner may send; more are refused with 429.",
    ),
    Setting(
        "COURSEKIT_API_LIMIT",
        "300 per minute;5000 per hour",
        "API requests one token (or signed-in user, or anonymous client address) may make "
        "across every /api/v1 endpoint; more are refused with 429.",
    ),
    Setting(
        "COURSEKIT_PUBLIC_URL",
        None,
        "The site's public address, e.g. `https://ce.example.org` (with the mount prefix, "
        "if any). Certificates print verification links built from it, and the Open Badges "
        "issuer is named by it. Unset: taken from the request; commands that issue "
        "certificates then refuse to run.",
    ),
    Setting(
        "COURSEKIT_PROVIDER",
        {},
        "Provider settings until an administrator saves them in the browser: a mapping with "
        "`name`, `address`, `contact`, `website`, `nccaom_provider_number`, "
        "`nccaom_approved_from`, `nccaom_approved_until`, `state_numbers` (state code to "
        "number), `signatory_name`, `signatory_title`, `disclaimer`, `retention_notice`, "
        "`issuing` (`automatic` or `approval`), `page_size` (`Letter` or `A4`), "
        "`validity_months`, and `logo` and `signature` (PNG or JPEG paths in the instance "
        "folder). See docs/certificates.md.",
        kind=dict,
    ),
    Setting(
        "COURSEKIT_CERTIFICATE_PREFIX",
        "CK",
        "The prefix of certificate numbers (`CK-2026-000123`).",
    ),
    Setting(
        "COURSEKIT_VERIFY_LIMIT",
        "30 per minute;500 per hour",
        "Verification lookups (page, JSON and form) one client address may make; more are "
        "refused with 429.",
    ),
    Setting(
        "COURSEKIT_PDF_LIMIT",
        "10 per minute;60 per hour",
        "PDF documents (transcripts) one user may have rendered; more are refused with 429.",
    ),
    Setting(
        "COURSEKIT_BADGE_SIGNING_KEY",
        None,
        "PEM text of the RSA private key (2048 bits or more) that signs Open Badges "
        "credentials. Unset: one is generated once into `instance/badge_signing_key.pem` "
        "(mode 0600). Several machines must share one key. See docs/open-badges.md.",
    ),
    Setting(
        "COURSEKIT_MAIL_SENDER",
        "log",
        "How mail leaves: `log` writes each message to the `coursekit.mail` logger, `smtp` "
        "sends through `COURSEKIT_SMTP_*`, or `package.module:callable` names your own "
        "sender, called as `sender(app, message)` with an `email.message.EmailMessage`.",
    ),
    Setting("COURSEKIT_MAIL_FROM", "coursekit@localhost", "The From address of outgoing mail."),
    Setting("COURSEKIT_SMTP_HOST", "localhost", "SMTP server for the `smtp` mail sender."),
    Setting("COURSEKIT_SMTP_PORT", 587, "SMTP port."),
    Setting("COURSEKIT_SMTP_USERNAME", None, "SMTP user name; unset means no login."),
    Setting("COURSEKIT_SMTP_PASSWORD", None, "SMTP password."),
    Setting("COURSEKIT_SMTP_STARTTLS", True, "Upgrade the SMTP connection with STARTTLS."),
    Setting("COURSEKIT_SMTP_TIMEOUT", 30, "Seconds to wait for the SMTP server."),
    Setting(
        "COURSEKIT_XAPI_BASE_IRI",
        None,
        "This site's address for xAPI, e.g. `https://ce.example.org`: the learners' account "
        "`homePage`, the start of every activity id, and the seed of every statement id. "
        "Needed by `coursekit xapi export` and `send`; keep it once statements have left "
        "(see `docs/xapi.md`).",
    ),
    Setting(
        "COURSEKIT_XAPI_ENDPOINT",
        None,
        "xAPI endpoint of a Learning Record Store, e.g. `https://lrs.example.org/xapi/` "
        "(statements go to its `statements` resource). Unset: `coursekit xapi send` is off.",
    ),
    Setting(
        "COURSEKIT_XAPI_USERNAME",
        None,
        "User name (or key) for HTTP Basic authentication at the LRS; unset means none.",
    ),
    Setting("COURSEKIT_XAPI_PASSWORD", None, "Password (or secret) for the LRS."),
    Setting("COURSEKIT_XAPI_BATCH_SIZE", 100, "Statements sent to the LRS in one request."),
    Setting(
        "COURSEKIT_XAPI_RETRIES",
        5,
        "Tries per batch within one run of `coursekit xapi send` when the LRS fails or "
        "cannot be reached; the next run starts again where this one stopped.",
    ),
    Setting(
        "COURSEKIT_XAPI_BACKOFF_SECONDS",
        2.0,
        "Seconds to wait before the second try of a batch; the wait doubles for each further try.",
    ),
    Setting("COURSEKIT_XAPI_TIMEOUT", 30, "Seconds to wait for the LRS to answer a request."),
    Setting(
        "COURSEKIT_XAPI_OVERLAP_MINUTES",
        10,
        "How far back each run of `coursekit xapi send` reads events again, so that one "
        "written by a transaction that committed late is still sent. Make it longer than "
        "the longest write transaction and the clock difference between app servers.",
    ),
    Setting(
        "COURSEKIT_WEBHOOK_TIMEOUT",
        10,
        "Seconds to wait for a webhook receiver to connect and answer. A worker's claim on a "
        "delivery lasts three times this; then another worker may send it again.",
    ),
    Setting(
        "COURSEKIT_WEBHOOK_MAX_TRIES",
        10,
        "Tries per webhook delivery before it is marked failed (an administrator can send a "
        "failed one again from the console).",
    ),
    Setting(
        "COURSEKIT_WEBHOOK_BACKOFF_SECONDS",
        30.0,
        "Wait before a webhook delivery's second try; it doubles for each further try (less "
        "up to a fifth at random), up to the cap below.",
    ),
    Setting(
        "COURSEKIT_WEBHOOK_BACKOFF_CAP_SECONDS",
        3600.0,
        "The longest wait between two tries of a webhook delivery.",
    ),
    Setting(
        "COURSEKIT_WEBHOOK_POLL_SECONDS",
        5.0,
        "How often `coursekit webhooks deliver` (without `--once`) looks for due deliveries.",
    ),
    Setting(
        "COURSEKIT_WEBHOOK_ALLOW_PRIVATE_ADDRESSES",
        False,
        "Let webhook endpoints be on loopback and private networks, and use plain http "
        "there: for development, or a receiver on the provider's own network. Off, every "
        "endpoint must be https on a public address (see `docs/webhooks.md`).",
    ),
)

DEFAULTS: Mapping[str, Any] = {setting.name: setting.default for setting in SETTINGS}


def settings_from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read ``COURSEKIT_*`` variables. Text settings (and unknown names) stay strings, so
    a numeric password stays a password; numbers, booleans and lists are parsed as JSON
    (``12``, ``false``, ``["a.org"]``, ``null``)."""
    environ = os.environ if environ is None else environ
    kinds = {setting.name: setting.value_type for setting in SETTINGS}
    values: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith("COURSEKIT_"):
            continue
        if kinds.get(key, str) is str:
            values[key] = raw
            continue
        try:
            values[key] = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"{key}={raw!r} is not valid JSON ({exc})") from exc
    return values
