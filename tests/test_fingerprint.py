"""The incremental cache's key is read off :class:`CrawlOptions`: every field that can change a
page's result is in it, unless marked, and changing it changes the key."""

from __future__ import annotations

import dataclasses
import enum
import sqlite3
from pathlib import Path

import pytest

from push_manifest import CrawlOptions, Viewport, build_manifest
from push_manifest.fingerprint import NOT_OUTPUT, output_fields, output_key
from push_manifest.session import CACHE_HANDLED, cache_key

from .conftest import FIXTURES


def _other(value: object) -> object:
    """A value of the same kind as ``value`` that differs from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, enum.Enum):
        return next(member for member in type(value) if member != value)
    if isinstance(value, int | float):
        return value + 1
    if value is None:
        return 1.5
    if isinstance(value, frozenset):
        return value | {"a-new-member"}
    pytest.fail(f"teach _other a new kind of option value: {value!r}")


def _changes(options: object) -> list[tuple[str, object]]:
    """``(path, options with that one field changed)`` for every field, nested ones too."""
    changed: list[tuple[str, object]] = []
    for field in dataclasses.fields(options):  # type: ignore[arg-type]
        value = getattr(options, field.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for path, inner in _changes(value):
                nested = dataclasses.replace(options, **{field.name: inner})  # type: ignore[type-var]
                changed.append((f"{field.name}.{path}", nested))
        else:
            other = dataclasses.replace(options, **{field.name: _other(value)})  # type: ignore[type-var]
            changed.append((field.name, other))
    return changed


def test_every_field_is_in_the_key_or_marked_as_handled() -> None:
    fields = {field.name for field in dataclasses.fields(CrawlOptions)}
    keyed = {name for name, _value in cache_key(CrawlOptions())}
    marked = {
        field.name
        for field in dataclasses.fields(CrawlOptions)
        if field.metadata.get("output") is False
    }
    assert keyed | marked | CACHE_HANDLED == fields
    assert not keyed & (marked | CACHE_HANDLED)
    assert {"explain"} == CACHE_HANDLED
    viewport = dict(cache_key(CrawlOptions()))["viewport"]
    assert isinstance(viewport, tuple)
    assert {name for name, _value in viewport} == {f.name for f in dataclasses.fields(Viewport)}


@pytest.mark.parametrize("start", [CrawlOptions(), CrawlOptions(max_page_size=None)])
def test_changing_any_field_changes_the_key_unless_the_cache_handles_it(
    start: CrawlOptions,
) -> None:
    key = cache_key(start)
    changes = _changes(start)
    assert len(changes) == len(dataclasses.fields(CrawlOptions)) - 1 + len(
        dataclasses.fields(Viewport)
    )
    for path, changed in changes:
        if path in CACHE_HANDLED:
            assert cache_key(changed) == key, path  # type: ignore[arg-type]
        else:
            assert cache_key(changed) != key, path  # type: ignore[arg-type]


def test_a_new_field_is_in_the_key_unless_marked_not_output() -> None:
    unmarked = dataclasses.make_dataclass(
        "Unmarked", [("new_option", int, dataclasses.field(default=3))],
        bases=(CrawlOptions,), frozen=True,
    )  # fmt: skip
    marked = dataclasses.make_dataclass(
        "Marked", [("new_option", int, dataclasses.field(default=3, metadata=NOT_OUTPUT))],
        bases=(CrawlOptions,), frozen=True,
    )  # fmt: skip
    assert cache_key(unmarked())[-1] == ("new_option", 3)
    assert cache_key(unmarked(new_option=4)) != cache_key(unmarked())
    assert cache_key(marked()) == cache_key(CrawlOptions())
    assert cache_key(marked(new_option=4)) == cache_key(marked())
    assert "new_option" not in output_fields(marked())


def test_the_key_is_stable_and_readable() -> None:
    options = CrawlOptions(installed_fonts=frozenset({"b", "a"}))
    assert cache_key(options) == cache_key(CrawlOptions(installed_fonts=frozenset({"a", "b"})))
    assert repr(cache_key(options)) == repr(cache_key(dataclasses.replace(options)))
    assert ("installed_fonts", ("a", "b")) in output_key(options)
    assert ("prune", True) in cache_key(options)


def test_the_cache_stamps_its_database_with_the_key(tmp_path: Path) -> None:
    page = FIXTURES / "demo" / "index.html"
    build_manifest([page], cache_dir=tmp_path / "a", uniform_weights=True)
    build_manifest([page], cache_dir=tmp_path / "b")
    stamps = []
    for name in ("a", "b"):
        with sqlite3.connect(tmp_path / name / "cache.sqlite") as db:
            (stamp,) = db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
        stamps.append(stamp)
    assert "('uniform_weights', True)" in stamps[0]
    assert "('uniform_weights', False)" in stamps[1]
    assert "('explain'" not in stamps[0]
