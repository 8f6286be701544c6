"""Import maps: parsing, merging and module specifier resolution, as the WHATWG HTML standard
defines them (*Import maps* and *Resolving module specifiers*, ``#resolve-a-module-specifier``).

Specifier maps hold ``None`` where the standard's map holds null: a key whose address was invalid
*blocks* the specifiers it matches instead of letting a shorter key match them. Problems that a
browser reports to the console are returned as warning strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from ada_url import URL

__all__ = [
    "ImportMap",
    "ResolvedSpecifier",
    "SpecifierMap",
    "merge_import_maps",
    "parse_import_map",
    "resolve_specifier",
]

SpecifierMap = Mapping[str, str | None]
"""Specifier key → address URL (``None``: blocked), sorted by key, descending."""

_V = TypeVar("_V")
_SPECIAL_SCHEMES: Final = frozenset({"ftp", "file", "http", "https", "ws", "wss"})
_TOP_LEVEL_KEYS: Final = frozenset({"imports", "scopes", "integrity"})


class _SortedMap(Mapping[str, _V]):
    """An immutable, hashable mapping whose keys iterate in descending code unit order, the
    order in which the standard's algorithms visit specifier maps and scopes."""

    __slots__ = ("_data",)

    def __init__(self, items: Iterable[tuple[str, _V]]) -> None:
        self._data = dict(sorted(items, key=lambda item: _code_units(item[0]), reverse=True))

    def __getitem__(self, key: str) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)


def _code_units(text: str) -> bytes:
    # Big-endian UTF-16 bytes compare as the standard's "code unit less than" does.
    return text.encode("utf-16-be", "surrogatepass")


@dataclass(frozen=True, slots=True)
class ImportMap:
    """A normalized import map. The constructor sorts and freezes what it is given; use
    :func:`parse_import_map` to build one from JSON (it resolves keys and addresses)."""

    imports: SpecifierMap = field(default_factory=dict)
    scopes: Mapping[str, SpecifierMap] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "imports", _SortedMap(self.imports.items()))
        object.__setattr__(
            self,
            "scopes",
            _SortedMap((prefix, _SortedMap(m.items())) for prefix, m in self.scopes.items()),
        )

    def __bool__(self) -> bool:
        return bool(self.imports or self.scopes)


@dataclass(frozen=True, slots=True)
class ResolvedSpecifier:
    """A specifier resolution record: a specifier already resolved with a given base URL.

    Rules of a later import map that would change how it resolves are ignored on merging.
    """

    base_url: str
    """The serialized base URL (the referrer)."""
    specifier: str
    """The normalized specifier: the serialized URL when it is URL-like, else as written."""
    as_url: str | None
    """The serialized URL when the specifier is URL-like, else ``None``."""

    @classmethod
    def of(cls, specifier: str, referrer_url: str) -> ResolvedSpecifier:
        """The record that resolving ``specifier`` from ``referrer_url`` adds to the set."""
        base = _serialize(referrer_url)
        as_url = _resolve_url_like(specifier, base)
        return cls(base, as_url if as_url is not None else specifier, as_url)


def parse_import_map(text: str, base_url: str) -> tuple[ImportMap, tuple[str, ...]]:
    """Parse the JSON text of a ``<script type=importmap>`` against ``base_url`` (the
    document's base URL), per HTML's *parse an import map string*.

    Returns the map and the warnings a browser reports. When the standard throws (invalid JSON,
    a top-level value, ``imports``, ``scopes``, a scope or ``integrity`` that is not an object),
    the map is empty, as the browser then registers nothing, and the warning says why.
    """
    warnings: list[str] = []
    try:
        parsed = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        return ImportMap(), (f"import map is not valid JSON: {error}",)
    if not isinstance(parsed, dict):
        return ImportMap(), ("import map must be a JSON object",)
    imports: dict[str, str | None] = {}
    if "imports" in parsed:
        if not isinstance(parsed["imports"], dict):
            return ImportMap(), ('import map "imports" must be a JSON object',)
        imports = _sort_and_normalize(parsed["imports"], base_url, warnings)
    scopes: dict[str, SpecifierMap] = {}
    if "scopes" in parsed:
        if not isinstance(parsed["scopes"], dict):
            return ImportMap(), ('import map "scopes" must be a JSON object',)
        for prefix, value in parsed["scopes"].items():
            if not isinstance(value, dict):
                return ImportMap(), (f"import map scope {prefix!r} must be a JSON object",)
        scopes = _sort_and_normalize_scopes(parsed["scopes"], base_url, warnings)
    if "integrity" in parsed and not isinstance(parsed["integrity"], dict):
        return ImportMap(), ('import map "integrity" must be a JSON object',)
    extra = sorted(set(parsed) - _TOP_LEVEL_KEYS)
    if extra:
        warnings.append(
            f"import map has unknown top-level keys {', '.join(map(repr, extra))}"
            ' (only "imports", "scopes" and "integrity" are allowed)'
        )
    return ImportMap(imports, scopes), tuple(warnings)


def merge_import_maps(
    old: ImportMap, new: ImportMap, resolved: Iterable[ResolvedSpecifier] = ()
) -> ImportMap:
    """The import map after ``new`` is registered on a page whose map is ``old``, per HTML's
    *merge existing and new import maps*: for a key in both, ``old`` wins.

    ``resolved`` is the page's resolved module set at that time: rules of ``new`` that would
    change how one of those specifiers resolves are dropped. Step 6 follows the correction of
    whatwg/html#11875 (the record's specifier starts with the rule's key, not the reverse).
    """
    records = tuple(resolved)
    scopes = {prefix: dict(m) for prefix, m in old.scopes.items()}
    for prefix, scope_imports in new.scopes.items():
        kept = dict(scope_imports)
        for record in records:
            if prefix == record.base_url or (
                prefix.endswith("/") and record.base_url.startswith(prefix)
            ):
                for key in list(kept):
                    if key == record.specifier or (
                        key.endswith("/")
                        and record.specifier.startswith(key)
                        and (record.as_url is None or _is_special(record.as_url))
                    ):
                        del kept[key]
        scopes[prefix] = _merge_specifier_maps(kept, scopes[prefix]) if prefix in scopes else kept
    imports = dict(new.imports)
    for record in records:
        for key in list(imports):
            if record.specifier.startswith(key):
                del imports[key]
    return ImportMap(_merge_specifier_maps(imports, old.imports), scopes)


def resolve_specifier(specifier: str, referrer_url: str, import_map: ImportMap) -> str | None:
    """Resolve a module specifier written in the script at ``referrer_url`` (for an inline
    script, the document's base URL), per HTML's *resolve a module specifier*.

    URL-like specifiers (``/``, ``./``, ``../`` or an absolute URL) are parsed against the
    referrer, after the map had its say on their URL form; bare specifiers resolve only through
    the map, scopes first (most specific prefix first), then ``imports``. Returns the absolute
    URL (fragment kept), or ``None`` when the standard throws: a bare specifier no rule maps, a
    rule blocked by an invalid address, or a prefix match that backtracks above its address.
    """
    base = _serialize(referrer_url)
    as_url = _resolve_url_like(specifier, base)
    normalized = as_url if as_url is not None else specifier
    try:
        for prefix, scope_imports in import_map.scopes.items():
            if prefix == base or (prefix.endswith("/") and base.startswith(prefix)):
                match = _resolve_imports_match(normalized, as_url, scope_imports)
                if match is not None:
                    return match
        match = _resolve_imports_match(normalized, as_url, import_map.imports)
    except _Blocked:
        return None
    return match if match is not None else as_url


class _Blocked(Exception):
    """The standard throws a TypeError: resolution fails, no less specific rule applies."""


def _resolve_imports_match(
    normalized: str, as_url: str | None, mapping: SpecifierMap
) -> str | None:
    """HTML *resolve an imports match*: exact key first in order, else a ``/``-ended prefix."""
    for key, address in mapping.items():
        if key == normalized:
            if address is None:
                raise _Blocked
            return address
        if (
            key.endswith("/")
            and normalized.startswith(key)
            and (as_url is None or _is_special(as_url))
        ):
            if address is None:
                raise _Blocked
            after_prefix = normalized[len(key) :]
            url = _parse(after_prefix, address)
            if url is None or not url.startswith(address):
                raise _Blocked
            return url
    return None


def _sort_and_normalize(
    original: Mapping[str, Any], base_url: str, warnings: list[str]
) -> dict[str, str | None]:
    """HTML *sort and normalize a module specifier map* (the sorting is :class:`ImportMap`'s)."""
    normalized: dict[str, str | None] = {}
    for key, value in original.items():
        normalized_key = _normalize_key(key, base_url, warnings)
        if normalized_key is None:
            continue
        if not isinstance(value, str):
            warnings.append(f"import map address for {key!r} must be a string")
            normalized[normalized_key] = None
            continue
        address = _resolve_url_like(value, base_url)
        if address is None:
            warnings.append(f"import map address {value!r} for {key!r} is not a URL")
            normalized[normalized_key] = None
            continue
        if key.endswith("/") and not address.endswith("/"):
            warnings.append(
                f"import map address {value!r} for {key!r} must end with '/' as its key does"
            )
            normalized[normalized_key] = None
            continue
        normalized[normalized_key] = address
    return normalized


def _sort_and_normalize_scopes(
    original: Mapping[str, Mapping[str, Any]], base_url: str, warnings: list[str]
) -> dict[str, SpecifierMap]:
    """HTML *sort and normalize scopes*: prefixes are URLs parsed against the base URL."""
    normalized: dict[str, SpecifierMap] = {}
    for prefix, specifier_map in original.items():
        prefix_url = _parse(prefix, base_url)
        if prefix_url is None:
            warnings.append(f"import map scope prefix {prefix!r} is not a URL")
            continue
        normalized[prefix_url] = _sort_and_normalize(specifier_map, base_url, warnings)
    return normalized


def _normalize_key(key: str, base_url: str, warnings: list[str]) -> str | None:
    """HTML *normalize a specifier key*: URL-like keys become URLs, others stay as written."""
    if key == "":
        warnings.append("import map specifier keys must not be empty")
        return None
    url = _resolve_url_like(key, base_url)
    return url if url is not None else key


def _merge_specifier_maps(new: SpecifierMap, old: SpecifierMap) -> dict[str, str | None]:
    """HTML *merge module specifier maps*: a rule already in ``old`` is kept."""
    merged = dict(old)
    for key, address in new.items():
        merged.setdefault(key, address)
    return merged


def _resolve_url_like(specifier: str, base_url: str) -> str | None:
    """HTML *resolve a URL-like module specifier*: the serialized URL, or None (bare)."""
    if specifier.startswith(("/", "./", "../")):
        return _parse(specifier, base_url)
    return _parse(specifier, None)


def _parse(text: str, base: str | None) -> str | None:
    """The WHATWG URL parser's serialized result, or None on failure."""
    try:
        return str(URL(text, base).href) if base is not None else str(URL(text).href)
    except ValueError:
        return None


def _serialize(url: str) -> str:
    parsed = _parse(url, None)
    return parsed if parsed is not None else url


def _is_special(url: str) -> bool:
    return url.partition(":")[0] in _SPECIAL_SCHEMES


def _reject_constant(name: str) -> Any:
    # JSON.parse rejects NaN and Infinity, which Python's json module accepts.
    raise ValueError(f"{name} is not JSON")
