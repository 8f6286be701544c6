"""Selector matching at load (:mod:`push_manifest.rendering.selectors`): which elements a
selector matches when the page has just loaded, and what counts as doubt.

What a browser fetches was checked in Chromium 156 (see ``fixtures/browser-render-*``): a
``:hover`` background is not fetched, a ``::before`` background is, an ``autofocus`` input's
``:focus`` background is. The cascade over those matches is tested in ``test_cascade.py``.
"""

from __future__ import annotations

import itertools

import pytest
from cssselect import HTMLTranslator, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from push_manifest.rendering import selectors as prune
from push_manifest.rendering.selectors import PageIndex, SelectorMatcher
from push_manifest.scanners.html import MAX_ATTRIBUTES, parse_html

PAGE = """<!doctype html>
<html lang="en">
<head><title>t</title><link rel="stylesheet" href="s.css"></head>
<body class="home">
<header id="top" class="site-header">
  <nav><a href="/" class="btn primary">Home</a> <a class="btn">No href</a></nav>
</header>
<main>
  <p class="lead">Hi <b>there</b> <i class="fa-solid fa-user"></i></p>
  <ul><li>one</li><li class="last">two</li></ul>
  <form><input type="TEXT" placeholder="name"><input type="checkbox" checked>
  <input type="radio"><input type="file"></form>
  <dialog></dialog>
</main>
<template><div class="in-template"></div></template>
<footer></footer>
</body>
</html>
"""


@pytest.fixture(scope="module")
def page() -> PageIndex:
    return PageIndex(parse_html(PAGE))


MATCHER = SelectorMatcher()


def matches(selector: str, page: PageIndex) -> bool:
    return MATCHER.any_match(selector, page)


# --- PageIndex --------------------------------------------------------------------------------


def test_page_index_knows_classes_ids_and_tags(page: PageIndex) -> None:
    assert {"home", "btn", "primary", "lead", "fa-solid", "last"} <= page.by_class.keys()
    assert "in-template" not in page.by_class  # <template> content is inert
    assert page.by_id.keys() == {"top"}
    assert len(page.by_class["btn"]) == 2
    assert [element.tag for element in page.by_tag("li")] == ["li", "li"]
    assert page.by_tag("table") == []
    assert not page.quirks
    assert not page.autofocus


@pytest.mark.parametrize(
    ("html", "quirks"),
    [
        ("<!DOCTYPE html><p>", False),
        ("<!doctype html><p>", False),
        ("<p>no doctype", True),
        ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><p>', True),
    ],
)
def test_quirks_mode_is_inferred_from_the_doctype(html: str, quirks: bool) -> None:
    assert PageIndex(parse_html(html)).quirks is quirks


def test_quirks_mode_matches_classes_and_ids_case_insensitively() -> None:
    html = '<html><body><div id="Main" class="Card Wide"><b>x</b></div></body></html>'
    quirky = PageIndex(parse_html(html))
    assert quirky.quirks
    assert matches(".card.wide", quirky)
    assert matches("#main > b", quirky)
    assert matches("#MAIN", quirky)
    strict = PageIndex(parse_html("<!doctype html>" + html))
    assert not matches(".card", strict)
    assert not matches("#main", strict)
    assert matches(".Card.Wide", strict)


# --- selectors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (".btn", True),
        (".btn.primary", True),
        ("a.btn.lead", False),
        ("nav .btn", True),
        ("header > .btn", False),
        ("header > nav > .btn", True),
        ("#top ~ main li.last", True),
        ("#top + main", True),
        ("#top + footer", False),
        ("ul > li + li", True),
        ("li + li + li", False),
        ("body > *", True),
        (".missing", False),
        ("#nope", False),
        ("table", False),
        ("body.home", True),
        ("body.Home", False),
        ("html > body > header a.btn", True),
        ("p > b", True),
        ("nav > b", False),
        ("li:last-child", True),
        ("li:nth-child(3)", False),
        ("ul:empty", False),
        ("footer:empty", True),
        ("header:has(> nav)", True),
        ("header:has(> p)", False),
        (":is(.nope, .lead) b", True),
        (":where(.nope) b", False),
        (":root .btn", True),
        ("a:link", True),
        ("a.btn:not([href])", True),
        ("p:not(.lead)", False),
        ('input[type="text"]', True),  # type is matched case-insensitively in HTML
        ('input[type="text" s]', False),
        ('[lang|="en"]', True),
        ('a[href^="/"]', True),
        ("input:checked", True),
        ("input[type=radio]:checked", False),
        ("input:not(:checked)", True),
        ("option:checked", False),
        (".in-template", False),
    ],
)
def test_selectors_match_like_a_browser(page: PageIndex, selector: str, expected: bool) -> None:
    assert matches(selector, page) is expected


@pytest.mark.parametrize(
    "pseudo",
    [
        "::before",
        "::after",
        "::marker",
        "::placeholder",
        "::first-line",
        "::first-letter",
        "::backdrop",
        "::file-selector-button",
        "::selection",
        "::-webkit-scrollbar",
        "::part(label)",
        ":before",
        ":after",
        ":first-line",
        ":first-letter",
    ],
)
def test_pseudo_elements_match_through_their_element(page: PageIndex, pseudo: str) -> None:
    assert matches(f".lead{pseudo}", page)
    assert not matches(f".nope{pseudo}", page)


@pytest.mark.parametrize(
    "state",
    [
        "hover",
        "focus",
        "focus-visible",
        "focus-within",
        "active",
        "visited",
        "target",
        "target-within",
        "user-invalid",
        "popover-open",
        "fullscreen",
        "modal",
        "HOVER",
    ],
)
def test_dynamic_pseudo_classes_never_match_at_load(page: PageIndex, state: str) -> None:
    assert not matches(f"a:{state}", page)
    assert not matches(f".lead:{state} b", page)
    assert not matches(f".btn::before:{state}", page)
    assert not matches(f".btn:{state}::after", page)
    # Negated, the state is false: the rest decides.
    assert matches(f"a:not(:{state})", page)
    assert not matches(f"a:not(:{state}):not(.btn)", page)


def test_a_list_matches_when_any_complex_selector_does(page: PageIndex) -> None:
    assert matches("a:hover, .nope, .lead", page)
    assert not matches("a:hover, .nope, table td", page)
    assert matches(".nope, :unknown-thing", page)  # one doubtful member is enough


def test_the_first_option_of_a_select_may_be_checked_without_an_attribute() -> None:
    html = "<!doctype html><select><option>a</option><option>b</option></select>"
    assert matches("option:checked", PageIndex(parse_html(html)))
    assert matches("input:not(:checked)", PageIndex(parse_html('<input type="CHECKBOX">')))
    assert matches("input:checked", PageIndex(parse_html('<input type="CHECKBOX" checked>')))


def test_focus_matches_on_a_page_with_autofocus() -> None:
    html = "<!doctype html><body><form class=f><input autofocus></form><a href=x>x</a></body>"
    focused = PageIndex(parse_html(html))
    assert focused.autofocus
    assert matches("input:focus", focused)
    assert matches(".f:focus-within", focused)
    assert matches("input::before:focus", focused)
    assert not matches("a:hover", focused)


@pytest.mark.parametrize(
    "selector",
    [
        ".lead:unknown-state",
        ".lead:-moz-focusring",
        "li:nth-child(2n of .last)",
        ".lead:dir(ltr)",
        "svg|rect",
        ":is(.lead b)",
        "a:not(:not(.btn))",
        "@@@",
        ".a, {",
        ":host(.x)",
        ":is(" * 3000 + "a" + ")" * 3000,
    ],
    ids=lambda s: s[:30],
)
def test_what_cssselect_cannot_evaluate_counts_as_matching(page: PageIndex, selector: str) -> None:
    assert matches(selector, page)


def test_unknown_parts_widen_never_narrow(page: PageIndex) -> None:
    # Positive: the unknown part is dropped, the rest still has to match.
    assert not matches(".nope:unknown-state", page)
    # Inside :not(), the :not() is dropped: never "not unknown" → false.
    assert matches("b:not(:unknown-state)", page)
    assert matches("b:not(.x:unknown-state)", page)
    assert not matches("table:not(:unknown-state)", page)


def test_scope_is_doubt_not_the_document_root(page: PageIndex) -> None:
    # What @scope gives without a root: the scoping root is the <style>'s parent.
    assert matches(":scope > .lead", page)


def test_a_type_selector_lxml_refuses_matches_nothing(page: PageIndex) -> None:
    # "\\b" escapes U+0008: cssselect gives a tag name with a control character.
    assert page.by_tag("\x08") == []
    assert matches("\\b", page) is False


def test_each_selector_list_compiles_once_per_process(page: PageIndex) -> None:
    first = SelectorMatcher().compile(".lead b, nav a:hover")
    assert SelectorMatcher().compile(".lead b, nav a:hover") is first
    assert MATCHER.compile(".lead b, nav a:hover") is first
    assert len(first) == 2
    other = PageIndex(parse_html("<!doctype html><p class=lead><b>x</b></p>"))
    assert matches(".lead b, nav a:hover", page) and matches(".lead b, nav a:hover", other)
    assert MATCHER.compile(".lead b, nav a:hover") is first


@pytest.mark.parametrize(
    ("selector", "specificity", "pseudo"),
    [
        ("a", (0, 0, 1), None),
        ("*", (0, 0, 0), None),
        (".btn", (0, 1, 0), None),
        ("#top", (1, 0, 0), None),
        ("nav > a.btn", (0, 1, 2), None),
        ("[href]", (0, 1, 0), None),
        ("a:hover", (0, 1, 1), None),
        (":root .btn", (0, 2, 0), None),
        (".lead b::before", (0, 1, 2), "before"),
        (".lead:after", (0, 1, 1), "after"),
        ("p::marker", (0, 0, 2), "marker"),
        ("li:nth-child(2)", (0, 1, 1), None),
        (":is(.nope, #top) a", (1, 0, 1), None),  # the most specific argument
        (":where(#top) a", (0, 0, 1), None),  # zero
        ("header:has(> nav)", (0, 0, 2), None),
    ],
)
def test_specificity_and_pseudo_element_of_each_complex_selector(
    selector: str, specificity: tuple[int, int, int], pseudo: str | None
) -> None:
    (complex_,) = MATCHER.compile(selector)
    assert complex_.specificity == specificity
    assert complex_.pseudo == pseudo


def test_matches_gives_each_matching_complex_selector_with_its_elements(page: PageIndex) -> None:
    found = MATCHER.matches(".lead, .nope, #top", page)
    assert [complex_.specificity for complex_, _ in found] == [(0, 1, 0), (1, 0, 0)]
    assert [[element.tag for element in elements or []] for _, elements in found] == [
        ["p"],
        ["header"],
    ]
    undecided = MATCHER.matches("li:nth-child(2n of .last)", page)
    assert [elements for _, elements in undecided] == [None]  # any element may match
    assert MATCHER.matches("a:hover, .nope", page) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(".#:()[]=~+>*, abli-\"'\\\x00nothv")), max_size=40))
def test_any_selector_text_gives_an_answer(selector: str) -> None:
    page = PageIndex(parse_html(PAGE))
    assert MATCHER.any_match(selector, page) in (True, False)
    for complex_ in MATCHER.compile(selector):
        assert complex_.elements(page) is None or isinstance(complex_.elements(page), list)


_COMPOUNDS = ["*", "a", "li", "b", ".btn", ".lead", "#top", "a.btn", "[href]", "li:last-child"]
_COMBINATORS = [" ", " > ", " + ", " ~ "]


def _generated() -> list[str]:
    singles = [f"{left}{combinator}{right}" for left, combinator, right in
               itertools.product(_COMPOUNDS, _COMBINATORS, _COMPOUNDS)]  # fmt: skip
    return [*_COMPOUNDS, *singles, *(f"body {s}" for s in singles[::7])]


@pytest.mark.parametrize("selector", _generated())
def test_fast_paths_agree_with_cssselect_on_plain_selectors(page: PageIndex, selector: str) -> None:
    reference = page.tree.xpath(HTMLTranslator().css_to_xpath(selector))
    assert matches(selector, page) is bool(reference)
    (complex_,) = MATCHER.compile(selector)
    assert complex_.elements(page) == reference


_SIMPLE = [
    "a", "DIV", ".btn", "#top", "a.btn", ".btn.primary", ".btn.btn", "nav > a.btn",
    "header  nav\n a", ".lead b::before", ".lead:after", ".lead::BEFORE", "li + li",
    "li ~ .last", "#top.site-header", "a, .lead b", ".x-y_z", ".-a", "h1 .Caps", "p::marker",
    "a:hover", ".card img:HOVER", ":hover", ".a:focus-visible", "nav :focus-within > a",
    "li:first-child", ".list li:last-child", "a:link", ".x:scope", ".y:unknown-state",
    "p:first-child::before", ".menu a:visited:first-line", "p:first-of-type", "a:before-x",
]  # fmt: skip


@pytest.mark.parametrize("quirks", [False, True])
@pytest.mark.parametrize("selector", _SIMPLE)
def test_simple_selectors_compile_from_their_text_as_cssselect_would(
    selector: str, quirks: bool
) -> None:
    fast = prune._compile_simple(selector, quirks)
    slow = [prune._compile_one(parsed, quirks) for parsed in parse(selector)]
    assert fast is not None
    for quick, full in zip(fast, slow, strict=True):
        fields = ("required", "rightmost", "decided", "pseudo", "never", "focus", "doubt")
        assert [getattr(quick, name) for name in fields] == [getattr(full, name) for name in fields]
        assert quick._xpaths() == (full.path, full.condition)


_NOT_SIMPLE = [
    "*", "[href]", ".a :not(.c)", "svg|a", ".2col", "a::before b", "", "a,", "a::before:hover",
    "li:nth-child(2)", "a:before:hover", "a:hover(x)",
]  # fmt: skip


@pytest.mark.parametrize("selector", _NOT_SIMPLE)
def test_other_selectors_take_the_cssselect_path(selector: str) -> None:
    assert prune._compile_simple(selector, False) is None


# --- where the parser approximated the page ---------------------------------------------------

CUT_PAGE = (
    "<!doctype html><body><div class=top><p class=para>p</p>"
    + "<div>" * 3000
    + "<span class=deep><b>bold</b></span><p class=para id=low>q</p>"
    + "</div>" * 3000
    + "<em>e</em></div></body>"
)


@pytest.fixture(scope="module")
def cut_page() -> PageIndex:
    return PageIndex(parse_html(CUT_PAGE))


def test_a_cut_page_knows_where_it_was_cut(cut_page: PageIndex) -> None:
    assert cut_page.limits.cut
    assert cut_page.limits.lost_tags == {"div", "span", "b", "p"}
    (deep,) = cut_page.by_class["deep"]
    assert cut_page.below_cut(deep)
    above, below = cut_page.by_class["para"]
    assert not cut_page.below_cut(above) and cut_page.below_cut(below)
    assert not cut_page.below_cut(cut_page.by_tag("em")[0])


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        # Below the cut, elements lost their tags and ancestors: whatever may match there does.
        (".deep", True),
        ("div > .deep", True),
        ("div span", True),
        ("span", True),
        ("b", True),
        ("* > .para", True),
        ("#low", True),
        ("div #low", True),
        ("p.deep", True),
        # Above the cut the tree is exact; classes and ids are never lost.
        ("em", True),
        (".top > em", True),
        ("p > em", False),
        (".top > strong", False),
        (".nowhere", False),
        ("div .nowhere", False),
        ("#nothing", False),
        ("strong .deep", False),  # <strong> is not on the page, nor among the lost tags
        (".deep:hover", False),  # no element is hovered at load, cut or not
    ],
)
def test_selectors_that_may_match_below_the_cut_match(
    cut_page: PageIndex, selector: str, expected: bool
) -> None:
    assert matches(selector, cut_page) is expected


def test_attribute_selectors_match_where_attributes_were_dropped() -> None:
    attributes = " ".join(f"data-a{i}" for i in range(400))
    capped = PageIndex(parse_html(f"<!doctype html><div {attributes} data-z class=c></div>"))
    assert capped.limits.capped == 400 + 1 - MAX_ATTRIBUTES
    assert matches("[data-z]", capped)
    assert matches("div[data-unknown]", capped)
    assert matches("[data-a1]", capped)
    assert not matches(".other[data-z]", capped)  # classes are never dropped
    assert matches(".c", capped) and not matches(".other", capped)
    whole = PageIndex(parse_html("<!doctype html><div data-a1 class=c></div>"))
    assert not matches("[data-z]", whole)


# --- selector_hints: the names a selector list requires, read from its text -----------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (".a .b > #c", [({"a", "b"}, {"c"})]),
        ("div", [(set(), set())]),
        (".a, p.b", [({"a"}, set()), ({"b"}, set())]),
        ("#x.y::before", [({"y"}, {"x"})]),
        (".a:hover .b:first-child", [({"a", "b"}, set())]),
        (".caf\u00e9-\u2603", [({"caf\u00e9-\u2603"}, set())]),
        (".--x", [({"--x"}, set())]),
    ],
)
def test_selector_hints_read_the_required_classes_and_ids(
    selector: str, expected: list[tuple[set[str], set[str]]]
) -> None:
    hints = prune.selector_hints(selector)
    assert hints is not None
    assert [(set(classes), set(ids)) for classes, ids in hints] == expected


@pytest.mark.parametrize(
    "selector",
    [
        ".a:not(.b)",  # a class inside :not() is not required
        ":is(.a, .b)",
        ".a[href$='.png']",  # a dot in an attribute value is not a class
        ".a\\.b",  # an escape
        ".5x",  # not an identifier: cssselect decides (doubt)
        "#1",
        ".-1",
        "a.",
        ".a &",  # nesting
    ],
)
def test_selector_hints_refuse_what_text_alone_cannot_tell(selector: str) -> None:
    assert prune.selector_hints(selector) is None


def test_may_match_needs_every_name_of_some_complex_selector() -> None:
    page = PageIndex(parse_html('<!doctype html><p class="a b" id="x"></p>'))
    assert page.may_match(prune.selector_hints(".a .b"))
    assert page.may_match(prune.selector_hints("#x.a"))
    assert not page.may_match(prune.selector_hints(".a .c"))
    assert page.may_match(prune.selector_hints(".c, .b"))
    assert not page.may_match(prune.selector_hints("#y, .c"))
    assert page.may_match(None)
    assert page.names() == {".a", ".b", "#x"}


def test_may_match_in_quirks_mode_ignores_ascii_case() -> None:
    quirks = PageIndex(parse_html('<p class="Foo" id="Bar"></p>'))
    assert quirks.quirks
    assert quirks.may_match(prune.selector_hints(".fOO#bAR"))
    standard = PageIndex(parse_html('<!doctype html><p class="Foo" id="Bar"></p>'))
    assert not standard.may_match(prune.selector_hints(".foo"))
    assert standard.may_match(prune.selector_hints(".Foo#Bar"))
