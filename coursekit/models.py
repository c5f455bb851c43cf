"""Every model, imported once so ``Base.metadata`` knows all tables (for Alembic)."""

from coursekit.accounts.models import ModuleAssignment, StateLicence, User, UserRole
from coursekit.api.tokens.models import ApiToken
from coursekit.assessment.attempts.models import Attempt, AttemptAnswer, AttemptGrade
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.attestation.models import AttestationRevision
from coursekit.audit.models import AuditEntry
from coursekit.authoring.models import StagedUpload
from coursekit.catalog.models import Enrolment
from coursekit.certificates.models import (
    Certificate,
    CertificateFile,
    CertificateSequence,
    RosterExport,
)
from coursekit.certificates.provider.models import ProviderSettingsRevision
from coursekit.db import Base
from coursekit.lessons.models import LessonEvent
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion
from coursekit.progress.xapi.models import XapiActor, XapiOutbox
from coursekit.webhooks.models import (
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookTry,
)

__all__ = [
    "ApiToken",
    "Attempt",
    "AttemptAnswer",
    "AttemptGrade",
    "AttestationRevision",
    "AuditEntry",
    "Base",
    "Certificate",
    "CertificateFile",
    "CertificateSequence",
    "Completion",
    "Enrolment",
    "EvaluationResponse",
    "LessonEvent",
    "ModuleAssignment",
    "ModuleVersion",
    "ProviderSettingsRevision",
    "RosterExport",
    "StagedUpload",
    "StateLicence",
    "TimeAllowance",
    "User",
    "UserRole",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookTry",
    "WorksheetReview",
    "WorksheetSubmission",
    "XapiActor",
    "XapiOutbox",
]
