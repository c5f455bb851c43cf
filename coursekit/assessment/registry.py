"""The question-type registry: built-in types plus third-party ones from the
``coursekit.question_types`` entry-point group.

A third-party package registers a type in its ``pyproject.toml``::

    [project.entry-points."coursekit.question_types"]
    drag_label = "mypackage.types:DragLabel"

The entry point's name is the type's name, as written in quiz files, and must match the
class's ``name``. Two types with one name are a configuration error: the app refuses to
start rather than let one silently shadow the other.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points

from coursekit.assessment.types import BUILT_IN_TYPES
from coursekit.assessment.types.base import QuestionType

ENTRY_POINT_GROUP = "coursekit.question_types"


class RegistryError(RuntimeError):
    """The registry cannot be built: a duplicate name, or an entry point that is not a
    question type."""


class Registry:
    """Question types by name."""

    def __init__(self, types: dict[str, QuestionType]) -> None:
        self._types = dict(types)

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __getitem__(self, name: str) -> QuestionType:
        return self._types[name]

    @property
    def names(self) -> tuple[str, ...]:
        """Every registered type name, sorted."""
        return tuple(sorted(self._types))


def build_registry(extra: dict[str, str | type[QuestionType]] | None = None) -> Registry:
    """The built-ins plus ``extra`` (name → class, or ``module:Class``). Raises
    ``RegistryError`` on a duplicate name."""
    types: dict[str, QuestionType] = {}
    sources: dict[str, str] = {}
    for cls in BUILT_IN_TYPES:
        types[cls.name], sources[cls.name] = cls(), "coursekit (built in)"
    for name, target in (extra or {}).items():
        cls = _resolve(name, target)
        if name in types:
            raise RegistryError(
                f"question type {name!r} from {_describe(target)} clashes with the one from "
                f"{sources[name]}; uninstall one of them or rename the type"
            )
        types[name], sources[name] = cls(), _describe(target)
    return Registry(types)


@cache
def registry() -> Registry:
    """The registry for this process: built-ins plus installed entry points (read once)."""
    extra: dict[str, str | type[QuestionType]] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name in extra:
            raise RegistryError(
                f"question type {entry_point.name!r} is registered twice by installed "
                f"packages ({extra[entry_point.name]} and {entry_point.value})"
            )
        extra[entry_point.name] = entry_point.value
    return build_registry(extra)


def _resolve(name: str, target: str | type[QuestionType]) -> type[QuestionType]:
    if isinstance(target, str):
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
            target = getattr(module, attribute)
        except (ImportError, AttributeError) as exc:
            raise RegistryError(f"question type {name!r}: cannot load {target!r}: {exc}") from exc
    if not (isinstance(target, type) and issubclass(target, QuestionType)):
        raise RegistryError(f"question type {name!r}: {target!r} is not a QuestionType class")
    if target.name != name:
        raise RegistryError(
            f"question type {name!r}: the class {target.__name__} is named {target.name!r}"
        )
    return target


def _describe(target: str | type[QuestionType]) -> str:
    return target if isinstance(target, str) else f"{target.__module__}.{target.__qualname__}"
