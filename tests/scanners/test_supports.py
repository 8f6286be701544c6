"""``@supports`` conditions against Chromium 156 (push_manifest.scanners.supports), and the
invariants of the generated support table (push_manifest.scanners.css_support_data)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinycss2

from push_manifest.scanners import css_support_data as data
from push_manifest.scanners.supports import supports_condition, supports_condition_text

CASES = [
    # declarations
    ("(display: grid)", True),
    ("(display: no-such)", False),
    ("(no-such-prop: 1)", False),
    ("(color: red)", True),
    ("(gap: 1px)", True),
    ("(grid-gap: 1px)", True),
    ("(-webkit-mask-image: none)", True),
    ("(-moz-appearance: none)", False),
    ("(--x: y)", True),
    ("(--x: {a} [b])", True),
    ("(display: grid !important)", True),
    ("(display: inherit)", True),
    ("(display: -webkit-box)", True),  # unknown -webkit- keyword: doubt
    ("(display: var(--d))", True),
    ("(position: sticky)", True),
    ("(position: nowhere)", False),
    ("(all: initial)", True),
    ("(all: none)", False),
    ("(background-image: element(#a))", False),
    ("(background-image: linear-gradient(red, blue))", True),
    ("(color:)", False),
    ("(color: red;)", False),
    # whitespace and case
    ("(DISPLAY: GRID)", True),
    ("(  Display :grid  )", True),
    ("(display:grid)", True),
    ("  (display: grid)  ", True),
    ("(--X: y)", True),
    # not / and / or
    ("not (no-such: 1)", True),
    ("not (display: grid)", False),
    ("NOT (display: no-such)", True),
    ("(display:grid) and (no-such:1)", False),
    ("(display: grid) and (color: red) and (gap: 0)", True),
    ("(display: no-such) or (display: grid)", True),
    ("(no-such: 1) or (no-such-either: 2)", False),
    ("(display: grid) and (color: red) or (gap: 0)", False),
    ("(display: grid) or (color: red) and (gap: 0)", False),
    ("((display: grid) and (color: red)) or (gap: 0)", True),
    ("not ((no-such: 1) or (display: no-such))", True),
    ("not (display: grid) and (color: red)", False),
    ("not not (display: grid)", False),
    ("(display: grid) and", False),
    ("and (display: grid)", False),
    ("", False),
    # general-enclosed: false, and so true under not
    ("no-such-function(a)", False),
    ("not no-such-function(a)", True),
    ("(no such thing)", False),
    ("not (no such thing)", True),
    ("()", False),
    ("not(display: grid)", False),
    ("(display: grid) and(color: red)", False),
    # selector()
    ("selector(:has(a))", True),
    ("selector(:no-such)", False),
    ("selector(a > b:hover::before)", True),
    ("selector(:is(a, :no-such))", False),
    ("selector(::-moz-selection)", False),
    ("selector(::-webkit-scrollbar)", True),
    ("selector(:nth-child(2n of .a))", True),
    ("selector(:focus-visible)", True),
    ("selector(:first)", False),  # @page only
    ("selector(a, b)", False),
    ("selector()", False),
    ("not selector(:no-such)", True),
    ("not selector(:has(a))", False),
    ("selector(::part(label))", True),
    ("not selector(& > a)", True),  # cssselect cannot parse nesting: doubt stays true
    # fonts, at-rule(), named-feature()
    ("font-format(woff2)", True),
    ("font-format(svg)", False),
    ("font-tech(color-COLRv1)", True),
    ("font-tech(incremental)", False),
    ("at-rule(@container)", True),
    ("at-rule(@no-such)", False),
    ("named-feature(no-such)", False),
    # a bare declaration, as in @import supports(display: grid)
    ("display: grid", True),
    ("display: no-such", False),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_condition_text(text: str, expected: bool) -> None:
    assert supports_condition_text(text) is expected


def test_condition_from_an_at_rule_prelude() -> None:
    rules = tinycss2.parse_stylesheet(
        "@supports (display: grid) and selector(:has(a)) {} @supports (display: nope) {}",
        skip_whitespace=True,
    )
    assert [supports_condition(rule.prelude) for rule in rules] == [True, False]


def test_well_known_properties_present_and_made_up_ones_absent() -> None:
    for name in ("display", "color", "gap", "grid-gap", "word-wrap", "-webkit-mask-image"):
        assert name in data.PROPERTIES, name
    for name in ("no-such-prop", "-moz-appearance", "-moz-user-input", "behavior"):
        assert name not in data.PROPERTIES, name
    assert all(name == name.lower() for name in data.PROPERTIES)


def test_keyword_sets_are_closed_grammars_only() -> None:
    assert {"grid", "flex", "block", "none", "contents"} <= data.KEYWORDS["display"]
    assert data.KEYWORDS["position"] == {"static", "relative", "absolute", "sticky", "fixed"}
    for name in ("color", "width", "background-image", "font-family", "grid-template-areas"):
        assert name not in data.KEYWORDS, f"{name} takes more than keywords"
    assert set(data.KEYWORDS) <= data.PROPERTIES
    for words in data.KEYWORDS.values():
        assert not words & {"initial", "inherit", "unset", "revert", "revert-layer"}
        assert all(re.fullmatch(r"-?[a-z_][a-z0-9_-]*", word) for word in words), words


def test_pseudo_tables() -> None:
    assert {"has()", "hover", "is()", "where()", "not()", "focus-visible"} <= data.PSEUDO_CLASSES
    assert {"before", "after", "marker", "placeholder"} <= data.PSEUDO_ELEMENTS
    assert not {"first", "left", "right"} & data.PSEUDO_CLASSES
    assert "-moz-selection" not in data.PSEUDO_ELEMENTS
    assert all(":" not in name for name in data.PSEUDO_CLASSES | data.PSEUDO_ELEMENTS)


def test_function_and_at_rule_tables() -> None:
    assert "element" in data.UNSUPPORTED_FUNCTIONS
    assert not {"linear-gradient", "calc", "var", "rgb", "image-set"} & data.UNSUPPORTED_FUNCTIONS
    assert {"media", "supports", "container", "layer", "font-face"} <= data.AT_RULES


def test_generated_module_names_its_sources() -> None:
    source = Path(data.__file__).read_text(encoding="utf-8")
    header = (
        "# generated by tools/generate_css_support.py from @mdn/browser-compat-data "
        f"{data.BCD_VERSION}\n# and mdn-data {data.MDN_DATA_VERSION}; do not edit\n"
    )
    assert source.startswith(header)
    generator = Path(__file__).resolve().parents[2] / "tools" / "generate_css_support.py"
    text = generator.read_text(encoding="utf-8")
    assert f'BCD_VERSION = "{data.BCD_VERSION}"' in text
    assert f'MDN_DATA_VERSION = "{data.MDN_DATA_VERSION}"' in text
