"""The built-in question types."""

from coursekit.assessment.types.base import QuestionType
from coursekit.assessment.types.choice import Multiple, Single

BUILT_IN_TYPES: tuple[type[QuestionType], ...] = (Single, Multiple)
