"""Every model, imported once so ``Base.metadata`` knows all tables (for Alembic)."""

from coursekit.accounts.models import StateLicence, User, UserRole
from coursekit.catalog.models import Enrolment
from coursekit.db import Base
from coursekit.lessons.models import LessonEvent
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion

__all__ = [
    "Base",
    "Completion",
    "Enrolment",
    "LessonEvent",
    "ModuleVersion",
    "StateLicence",
    "User",
    "UserRole",
]
