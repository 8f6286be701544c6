"""Which options of an options dataclass can change output, read off the dataclass itself.

A field is taken to change output unless its declaration says otherwise with
``field(..., metadata=NOT_OUTPUT)``; so a new option reaches every key derived here (the
incremental cache's, :func:`push_manifest.session.cache_key`) without a list to keep by hand.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection, Mapping
from types import MappingProxyType

__all__ = ["NOT_OUTPUT", "output_fields", "output_key"]

NOT_OUTPUT: Mapping[str, object] = MappingProxyType({"output": False})
"""Field metadata for an option that never changes output (how many processes, where the cache
lives, a progress callback)."""


def output_fields(options: object, exempt: Collection[str] = ()) -> tuple[str, ...]:
    """The names of the fields of the dataclass ``options`` that can change output: every field
    but those marked :data:`NOT_OUTPUT` and those named in ``exempt``."""
    return tuple(
        each.name
        for each in dataclasses.fields(options)  # type: ignore[arg-type]
        if each.metadata.get("output", True) and each.name not in exempt
    )


def output_key(options: object, exempt: Collection[str] = ()) -> tuple[tuple[str, object], ...]:
    """``(name, value)`` for each of :func:`output_fields`, a nested dataclass as its own key,
    a set sorted: equal for equal output options, a stable ``repr``."""
    return tuple((name, _value(getattr(options, name))) for name in output_fields(options, exempt))


def _value(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return output_key(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, frozenset | set):
        return tuple(sorted((_value(each) for each in value), key=repr))
    if isinstance(value, tuple | list):
        return tuple(_value(each) for each in value)
    return value
