"""YAML that remembers where every value came from.

PyYAML's composer gives each node a start mark (line and column). We build plain Python
data from the nodes ourselves and keep a map from each value's key path, e.g.
``("credits", 0, "board")``, to its mark, so a marshmallow error on that path can be
reported at the right line. Timestamps are not resolved (dates stay strings, for the
schema to parse) and duplicate keys are an error instead of a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

KeyPath = tuple[str | int, ...]


# libyaml's parser when PyYAML was built with it (about 10 times faster); same nodes, marks.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader without implicit timestamps: ``2026-01-01`` stays the string it looks like."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class PositionedDocument:
    """Parsed YAML data and the (line, column) of every value and key in it (1-based)."""

    data: Any
    values: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Where ``path`` is, or its nearest enclosing value (for a missing field)."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found:
                return found
        return (1, 1)


MAX_YAML_CHARACTERS = 1_000_000
"""The longest YAML text read (a bank of a thousand questions). Parsing costs about a
second per million characters and builds many times that in memory: a package may hold
50 MB, and one huge file must not hold a worker for a minute."""


MAX_YAML_DEPTH = 100
"""The deepest nesting of lists and mappings read. Real packages nest a few levels; past
this the file is refused before it is parsed into nodes, because libyaml's parser slows
with the square of the depth (10,000 levels of ``[`` cost half a second of CPU per read)."""

_OPENS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSES = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class YAMLProblem(Exception):
    """The text is not YAML we accept; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _first_line(exc: yaml.YAMLError) -> str:
    """PyYAML's messages repeat the position over several lines; keep the first."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        return exc.problem
    return str(exc).splitlines()[0]


def _mark(node: yaml.Node | yaml.Event, line_offset: int) -> tuple[int, int]:
    return (node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)


def load_positioned(text: str, *, line_offset: int = 0) -> PositionedDocument:
    """Parse one YAML document; raise ``YAMLProblem`` with a position if it is not valid.

    ``line_offset`` shifts reported lines, for YAML that starts partway into a file
    (a lesson's front matter).
    """
    if len(text) > MAX_YAML_CHARACTERS:
        message = (
            f"the YAML is {len(text):,} characters long; at most {MAX_YAML_CHARACTERS:,} "
            "are read (split it into smaller files)"
        )
        raise YAMLProblem(message, 1 + line_offset, 1)
    loader: _Loader | None = None
    try:
        _refuse_deep_nesting(text, line_offset)
        loader = _Loader(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 1 + line_offset
        column = mark.column + 1 if mark else 1
        raise YAMLProblem(f"invalid YAML: {exc.problem or exc.context}", line, column) from exc
    except yaml.YAMLError as exc:
        raise YAMLProblem(f"invalid YAML: {_first_line(exc)}", 1 + line_offset, 1) from exc
    except RecursionError as exc:
        raise YAMLProblem("the YAML is nested too deeply", 1 + line_offset, 1) from exc
    finally:
        if loader is not None:
            loader.dispose()
    document = PositionedDocument(data=None)
    if root is not None:
        try:
            document.data = _build(root, (), document, loader, line_offset, set())
        except RecursionError as exc:
            raise YAMLProblem("the YAML is nested too deeply", 1 + line_offset, 1) from exc
    return document


def _refuse_deep_nesting(text: str, line_offset: int) -> None:
    """Raise ``YAMLProblem`` where the nesting first goes deeper than ``MAX_YAML_DEPTH``.

    Reads parser events, which stops at the first level too deep instead of parsing the
    whole file; on an ordinary file it costs about a third of composing it.
    """
    scanner = _Loader(text)
    try:
        depth = 0
        while (event := scanner.get_event()) is not None:
            if isinstance(event, _OPENS):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    message = f"the YAML is nested too deeply (more than {MAX_YAML_DEPTH} levels)"
                    raise YAMLProblem(message, *_mark(event, line_offset))
            elif isinstance(event, _CLOSES):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                return
    finally:
        scanner.dispose()


def _build(
    node: yaml.Node,
    path: KeyPath,
    document: PositionedDocument,
    loader: _Loader,
    line_offset: int,
    seen: set[int],
) -> Any:
    if id(node) in seen:
        # An alias: refused, because expanding aliases lets a tiny file grow without bound.
        raise YAMLProblem("anchors and aliases (&, *) are not allowed", *_mark(node, line_offset))
    seen.add(id(node))
    document.values[path] = _mark(node, line_offset)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YAMLProblem("mapping keys must be plain words", *_mark(key_node, line_offset))
            key = _construct(loader, key_node, line_offset)
            if isinstance(key, bool | int | float) or key is None:
                key = key_node.value
            if key in result:
                raise YAMLProblem(f"duplicate key {key!r}", *_mark(key_node, line_offset))
            document.keys[(*path, key)] = _mark(key_node, line_offset)
            result[key] = _build(value_node, (*path, key), document, loader, line_offset, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, index), document, loader, line_offset, seen)
            for index, item in enumerate(node.value)
        ]
    return _construct(loader, node, line_offset)


def _construct(loader: _Loader, node: yaml.Node, line_offset: int) -> Any:
    """A scalar's value; a problem at its position when its tag cannot make one."""
    try:
        return loader.construct_object(node)
    except yaml.YAMLError as exc:
        raise YAMLProblem(f"invalid value: {_first_line(exc)}", *_mark(node, line_offset)) from exc
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        # PyYAML's own constructors fail this way on some explicitly tagged values
        # (``!!timestamp 02001-12-14``, ``!!int x``) instead of raising a YAMLError.
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        message = f"invalid value for its tag {tag}: {node.value!r}"
        raise YAMLProblem(message, *_mark(node, line_offset)) from exc


def strings(data: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Every string in parsed YAML, with its key path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*path, index))
