"""The built-in question types."""

from coursekit.assessment.types.arrange import Matching, Ordering
from coursekit.assessment.types.base import QuestionType
from coursekit.assessment.types.choice import Multiple, Single, TrueFalse
from coursekit.assessment.types.hotspot import Hotspot
from coursekit.assessment.types.text import Numeric, ShortText
from coursekit.assessment.types.written import Description, Essay

BUILT_IN_TYPES: tuple[type[QuestionType], ...] = (
    Single,
    Multiple,
    TrueFalse,
    ShortText,
    Numeric,
    Matching,
    Ordering,
    Hotspot,
    Essay,
    Description,
)
