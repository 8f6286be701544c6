"""Generate ``push_manifest/scanners/css_support_data.py``: what Chromium 156 supports in CSS.

Reads two npm packages, unpacked (``npm pack`` then ``tar xzf``; each unpacks to ``package/``):

- ``@mdn/browser-compat-data`` 8.1.9 (``data.json``): the properties (with the prefixed and
  alternative names Chromium accepts), pseudo-classes, pseudo-elements, functions, at-rules and
  ``named-feature()`` names of Chromium 156 (``version_added`` <= 156, not removed by 156, not
  behind a flag, ``"preview"`` excluded), and the value keywords BCD lists per property;
- ``mdn-data`` 2.37.2 (``css/properties.json``, ``css/syntaxes.json``): value grammars (CSS
  Values 4 §2), from which the keyword set of each property whose grammar is keywords only.

Run from the checkout::

    cd /tmp && npm pack @mdn/browser-compat-data@8.1.9 mdn-data@2.37.2
    mkdir bcd mdn-data && tar xzf mdn-browser-compat-data-8.1.9.tgz -C bcd \\
        && tar xzf mdn-data-2.37.2.tgz -C mdn-data
    python tools/generate_css_support.py /tmp/bcd/package /tmp/mdn-data/package

It refuses other package versions unless given ``--any-version`` (then update the versions
here and in the tests' expectations). Output is deterministic: sorted, formatted as
``ruff format`` leaves it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

BCD_VERSION = "8.1.9"
MDN_DATA_VERSION = "2.37.2"
CHROMIUM = 156
OUTPUT = Path(__file__).resolve().parent.parent / "push_manifest" / "render" / "css_support_data.py"

CSS_WIDE_KEYWORDS = frozenset({"initial", "inherit", "unset", "revert", "revert-layer"})
PAGE_PSEUDO_CLASSES = frozenset({"first", "left", "right", "blank"})
"""CSS Paged Media §3.1: valid in ``@page`` preludes only, never in a style selector."""

_KEYWORD = re.compile(r"-?[a-zA-Z_][a-zA-Z0-9_-]*\Z")
_CODE = re.compile(r"<code>(::?)([a-zA-Z0-9_-]+)(\(\))?</code>")
_FUNCTION = re.compile(r"<code>([a-zA-Z0-9_-]+)\(\)</code>\Z")
_GRAMMAR_TOKEN = re.compile(
    r"""
      (?P<property><'[^']+'>)
    | (?P<type><[^>]+>)
    | (?P<function>-?[a-zA-Z_][a-zA-Z0-9_-]*\()
    | (?P<keyword>-?[a-zA-Z_][a-zA-Z0-9_-]*)
    | (?P<range>\{[^}]*\})
    | (?P<quoted>'[^']*')
    | (?P<other>\S)
    """,
    re.VERBOSE,
)


def _version(value: Any) -> float | None:
    """A BCD version as a number; None for ``false``, ``null``, ``"preview"``."""
    if not isinstance(value, str) or value == "preview":
        return None
    return float(value.lstrip("≤"))


def _statements(compat: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The Chrome support statements of a feature that hold in Chromium ``CHROMIUM``."""
    support = compat.get("support", {}).get("chrome", [])
    for statement in support if isinstance(support, list) else [support]:
        added = _version(statement.get("version_added"))
        removed = statement.get("version_removed")
        if added is None or added > CHROMIUM or statement.get("flags"):
            continue
        if removed is not None and removed is not False:
            removed_version = _version(removed)
            if removed_version is not None and removed_version <= CHROMIUM:
                continue
        yield statement


def _names(compat: Mapping[str, Any], name: str) -> set[str]:
    """The names under which Chromium supports a feature called ``name``: itself, prefixed
    (``-webkit-`` + ``name``) or an alternative name."""
    names = set()
    for statement in _statements(compat):
        if "alternative_name" in statement:
            names.add(statement["alternative_name"])
        else:
            names.add(statement.get("prefix", "") + name)
    return names


def _features(node: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(key, feature)`` for the subfeatures of a BCD node, at any depth."""
    for key, child in node.items():
        if key != "__compat":
            yield key, child
            yield from _features(child)


def properties(bcd: Mapping[str, Any]) -> set[str]:
    """Property names, with the prefixed and alternative ones (``grid-gap`` is the
    ``grid_context`` subfeature of ``gap``)."""
    names: set[str] = set()
    for name, feature in bcd["css"]["properties"].items():
        names |= _names(feature.get("__compat", {}), name)
        for key, sub in _features(feature):
            if key.endswith("_context"):
                names |= {
                    statement["alternative_name"]
                    for statement in _statements(sub.get("__compat", {}))
                    if "alternative_name" in statement
                }
    return names


def bcd_keywords(bcd: Mapping[str, Any]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The value keywords BCD lists as subfeatures of each property: those Chromium supports,
    under every name it accepts (``display.flex`` gives ``flex`` and ``-webkit-flex``), and
    those it does not support under their own name (``display.run-in``)."""
    supported: dict[str, set[str]] = {}
    unsupported: dict[str, set[str]] = {}
    for name, feature in bcd["css"]["properties"].items():
        for key, sub in feature.items():
            if key != "__compat" and _KEYWORD.match(key) and "_" not in key:
                names = {n.lower() for n in _names(sub.get("__compat", {}), key)}
                supported.setdefault(name, set()).update(names)
                if key.lower() not in names:
                    unsupported.setdefault(name, set()).add(key.lower())
    return supported, unsupported


def pseudos(bcd: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """Pseudo-class and pseudo-element names (no colons; ``()`` after functional ones)."""
    classes: set[str] = set()
    elements: set[str] = set()
    for feature in bcd["css"]["selectors"].values():
        compat = feature.get("__compat", {})
        match = _CODE.search(compat.get("description", ""))
        if match is None:
            continue
        colons, name, parens = match.groups()
        for statement in _statements(compat):
            written = statement.get("alternative_name")
            if written is None:
                written = colons + statement.get("prefix", "") + name + (parens or "")
            element = written.startswith("::")
            bare = written.lstrip(":").lower()
            if not element and bare in PAGE_PSEUDO_CLASSES:
                continue
            (elements if element else classes).add(bare)
    return classes, elements


def unsupported_functions(bcd: Mapping[str, Any]) -> set[str]:
    """Functions of ``css.types`` that Chromium supports under no name."""
    known: set[str] = set()
    supported: set[str] = set()
    for _, feature in _features(bcd["css"]["types"]):
        compat = feature.get("__compat", {})
        match = _FUNCTION.match(compat.get("description", ""))
        if match is not None:
            name = match.group(1).lower()
            known.add(name)
            supported |= {n.lower() for n in _names(compat, name)}
    return known - supported


def at_rules(bcd: Mapping[str, Any]) -> set[str]:
    """At-rule names (without ``@``), for ``at-rule()``."""
    names: set[str] = set()
    for name, feature in bcd["css"]["at-rules"].items():
        names |= {n.lower().lstrip("@") for n in _names(feature.get("__compat", {}), name)}
    return names


def named_features(bcd: Mapping[str, Any]) -> set[str]:
    """The arguments ``named-feature()`` is true for."""
    feature = bcd["css"]["at-rules"]["supports"].get("named-feature", {})
    return {
        key.lower()
        for key, sub in feature.items()
        if key != "__compat" and any(True for _ in _statements(sub.get("__compat", {})))
    }


class _Open(Exception):
    """A grammar that admits more than keywords."""


def _grammar_keywords(
    syntax: str,
    types: Mapping[str, str],
    props: Mapping[str, str],
    seen: frozenset[str] = frozenset(),
) -> set[str]:
    """The keywords of a value grammar (CSS Values 4 §2) whose every term is a keyword or a
    reference to such a grammar; raises :class:`_Open` otherwise."""
    keywords: set[str] = set()
    for match in _GRAMMAR_TOKEN.finditer(syntax):
        kind, text = match.lastgroup, match.group()
        if kind == "keyword":
            keywords.add(text.lower())
        elif kind in ("property", "type"):
            name = text[2:-2] if kind == "property" else text[1:-1]
            table = props if kind == "property" else types
            if name in seen or name not in table:
                raise _Open(name)
            keywords |= _grammar_keywords(table[name], types, props, seen | {name})
        elif kind in ("function", "quoted"):
            raise _Open(text)
    return keywords


def closed_keywords(
    mdn_properties: Mapping[str, Any],
    mdn_syntaxes: Mapping[str, Any],
    supported: set[str],
    listed: Mapping[str, set[str]],
    unlisted: Mapping[str, set[str]],
) -> dict[str, set[str]]:
    """The keyword set of every supported property whose grammar is keywords only, CSS-wide
    keywords left out, widened by the keywords BCD lists as supported for it (``listed``) and
    narrowed by those it lists as unsupported (``unlisted``)."""
    types = {name: entry["syntax"] for name, entry in mdn_syntaxes.items()}
    props = {name: entry["syntax"] for name, entry in mdn_properties.items()}
    result: dict[str, set[str]] = {}
    for name, syntax in props.items():
        if name not in supported:
            continue
        try:
            keywords = _grammar_keywords(syntax, types, props, frozenset({name}))
        except _Open:
            continue
        keywords |= listed.get(name, set())
        result[name] = keywords - unlisted.get(name, set()) - CSS_WIDE_KEYWORDS
    return result


def _frozenset(name: str, doc: str, values: Iterable[str]) -> list[str]:
    lines = [f"{name}: Final[frozenset[str]] = frozenset(", "    {"]
    lines += [f"        {json.dumps(value)}," for value in sorted(values)]
    lines += ["    }", ")", f'"""{doc}"""', ""]
    return lines


def render(bcd: Mapping[str, Any], mdn_properties: Any, mdn_syntaxes: Any, mdn_version: str) -> str:
    """The text of the data module."""
    supported = properties(bcd)
    keywords = closed_keywords(mdn_properties, mdn_syntaxes, supported, *bcd_keywords(bcd))
    classes, elements = pseudos(bcd)
    bcd_version = bcd["__meta"]["version"]
    lines = [
        f"# generated by tools/generate_css_support.py from @mdn/browser-compat-data {bcd_version}",
        f"# and mdn-data {mdn_version}; do not edit",
        f'"""What Chromium {CHROMIUM} supports in CSS, for ``@supports`` (CSS Conditional 3-5)."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Final",
        "",
        f'BCD_VERSION: Final = "{bcd_version}"',
        f'MDN_DATA_VERSION: Final = "{mdn_version}"',
        "",
    ]
    lines += _frozenset(
        "PROPERTIES", "Property names, prefixed and alternative ones included.", supported
    )
    lines += _frozenset(
        "PSEUDO_CLASSES", "Without the colon; ``()`` after functional ones.", classes
    )
    lines += _frozenset(
        "PSEUDO_ELEMENTS", "Without the colons; ``()`` after functional ones.", elements
    )
    lines += _frozenset(
        "UNSUPPORTED_FUNCTIONS",
        "Value functions (BCD ``css.types``) Chromium supports under no name.",
        unsupported_functions(bcd),
    )
    lines += _frozenset("AT_RULES", "At-rule names without the ``@``.", at_rules(bcd))
    lines += _frozenset(
        "NAMED_FEATURES", "The arguments ``named-feature()`` is true for.", named_features(bcd)
    )
    lines += [
        "",
        "def _k(words: str) -> frozenset[str]:",
        "    return frozenset(words.split())",
        "",
        "",
        "KEYWORDS: Final[dict[str, frozenset[str]]] = {",
    ]
    for name in sorted(keywords):
        words = " ".join(sorted(keywords[name]))
        item = f"    {json.dumps(name)}: _k({json.dumps(words)}),"
        if len(item) > 100:
            lines.append(f"    {json.dumps(name)}: _k(")
            chunks = textwrap.wrap(words, 88, break_on_hyphens=False, break_long_words=False)
            lines += [f"        {json.dumps(chunk + ' ')}" for chunk in chunks[:-1]]
            lines += [f"        {json.dumps(chunks[-1])}", "    ),"]
        else:
            lines.append(item)
    lines += [
        "}",
        '"""The keywords of each property whose value grammar is keywords only (CSS-wide ones',
        'left out): no other identifier is valid in its value."""',
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bcd", type=Path, help="the unpacked @mdn/browser-compat-data package")
    parser.add_argument("mdn_data", type=Path, help="the unpacked mdn-data package")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--any-version", action="store_true")
    args = parser.parse_args(argv)
    versions = {}
    for name, path, expected in (
        ("@mdn/browser-compat-data", args.bcd, BCD_VERSION),
        ("mdn-data", args.mdn_data, MDN_DATA_VERSION),
    ):
        version = json.loads((path / "package.json").read_text(encoding="utf-8"))["version"]
        if version != expected and not args.any_version:
            parser.error(f"{name} is {version}, expected {expected} (or pass --any-version)")
        versions[name] = version
    bcd = json.loads((args.bcd / "data.json").read_text(encoding="utf-8"))
    css = args.mdn_data / "css"
    mdn_properties = json.loads((css / "properties.json").read_text(encoding="utf-8"))
    mdn_syntaxes = json.loads((css / "syntaxes.json").read_text(encoding="utf-8"))
    text = render(bcd, mdn_properties, mdn_syntaxes, versions["mdn-data"])
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
