"""Every model, imported once so ``Base.metadata`` knows all tables (for Alembic)."""

from coursekit.accounts.models import StateLicence, User, UserRole
from coursekit.db import Base

__all__ = ["Base", "StateLicence", "User", "UserRole"]
