"""Import maps: parsing, merging and resolution, on the WHATWG HTML standard's examples and
the edge cases of its algorithms."""

from __future__ import annotations

import json

import pytest

from push_manifest.importmap import (
    ImportMap,
    ResolvedSpecifier,
    merge_import_maps,
    parse_import_map,
    resolve_specifier,
)

SITE = "http://site.invalid/"
PAGE = "http://site.invalid/index.html"


def parse(value: object, base: str = PAGE) -> ImportMap:
    import_map, _ = parse_import_map(json.dumps(value), base)
    return import_map


def resolve(specifier: str, referrer: str, import_map: ImportMap) -> str | None:
    return resolve_specifier(specifier, referrer, import_map)


# --- resolution without a map ---


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        ("./dep.js", "http://site.invalid/js/dep.js"),
        ("../dep.js", "http://site.invalid/dep.js"),
        ("/lib/dep.js", "http://site.invalid/lib/dep.js"),
        ("./a/../b.js?x=1#frag", "http://site.invalid/js/b.js?x=1#frag"),
        ("https://cdn.example/x.js", "https://cdn.example/x.js"),
        ("data:text/javascript,export{}", "data:text/javascript,export{}"),
        ("lodash", None),
        ("dep.js", None),
        (".dep.js", None),
        ("%2E/dep.js", None),
        ("", None),
    ],
)
def test_resolution_without_import_map(specifier: str, expected: str | None) -> None:
    assert resolve(specifier, "http://site.invalid/js/app.js", ImportMap()) == expected


def test_relative_specifier_fails_against_a_non_hierarchical_base() -> None:
    assert resolve("../foo.js", "data:text/javascript,1", ImportMap()) is None


# --- the standard's examples ---


def test_bare_specifiers_example() -> None:
    import_map = parse(
        {
            "imports": {
                "moment": "/node_modules/moment/src/moment.js",
                "lodash": "/node_modules/lodash-es/lodash.js",
            }
        }
    )
    app = "http://site.invalid/app.js"
    assert resolve("moment", app, import_map) == SITE + "node_modules/moment/src/moment.js"
    assert resolve("lodash", app, import_map) == SITE + "node_modules/lodash-es/lodash.js"
    assert resolve("moment/locale/zh-cn.js", app, import_map) is None


def test_trailing_slash_prefix_example() -> None:
    import_map = parse(
        {
            "imports": {
                "moment": "/node_modules/moment/src/moment.js",
                "moment/": "/node_modules/moment/src/",
                "lodash": "/node_modules/lodash-es/lodash.js",
                "lodash/": "/node_modules/lodash-es/",
            }
        }
    )
    app = "http://site.invalid/app.js"
    assert (
        resolve("moment/locale/zh-cn.js", app, import_map)
        == SITE + "node_modules/moment/src/locale/zh-cn.js"
    )
    assert resolve("lodash/fp/map.js", app, import_map) == SITE + "node_modules/lodash-es/fp/map.js"
    assert resolve("moment", app, import_map) == SITE + "node_modules/moment/src/moment.js"


def test_url_like_specifiers_are_remapped() -> None:
    import_map = parse(
        {
            "imports": {
                "https://cdn.example/vue/dist/vue.runtime.esm.js": "/vendor/vue.js",
                "/app/helpers.mjs": "./helpers/index.mjs",
                "https://cdn.example/lib/": "/vendor/lib/",
            }
        },
        base="http://site.invalid/app/index.html",
    )
    main = "http://site.invalid/app/main.mjs"
    assert (
        resolve("https://cdn.example/vue/dist/vue.runtime.esm.js", main, import_map)
        == SITE + "vendor/vue.js"
    )
    # "./helpers.mjs" from /app/main.mjs is the URL /app/helpers.mjs: the map applies to it.
    assert resolve("./helpers.mjs", main, import_map) == SITE + "app/helpers/index.mjs"
    assert resolve("/app/helpers.mjs", main, import_map) == SITE + "app/helpers/index.mjs"
    assert resolve("https://cdn.example/lib/a/b.js", main, import_map) == SITE + "vendor/lib/a/b.js"


def test_scopes_example() -> None:
    import_map = parse(
        {
            "imports": {"querystringify": "/node_modules/querystringify/index.js"},
            "scopes": {
                "/node_modules/socksjs-client/": {
                    "querystringify": "/node_modules/socksjs-client/querystringify/index.js"
                }
            },
        }
    )
    inside = "http://site.invalid/node_modules/socksjs-client/lib/main.js"
    outside = "http://site.invalid/app.js"
    assert (
        resolve("querystringify", inside, import_map)
        == SITE + "node_modules/socksjs-client/querystringify/index.js"
    )
    assert (
        resolve("querystringify", outside, import_map)
        == SITE + "node_modules/querystringify/index.js"
    )


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        ("/scope1/foo.mjs", ("/a-1.mjs", "/b-1.mjs", "/c-1.mjs")),
        ("/scope2/foo.mjs", ("/a-2.mjs", "/b-1.mjs", "/c-1.mjs")),
        ("/scope2/scope3/foo.mjs", ("/a-2.mjs", "/b-3.mjs", "/c-1.mjs")),
    ],
)
def test_scope_inheritance_example(referrer: str, expected: tuple[str, str, str]) -> None:
    import_map = parse(
        {
            "imports": {"a": "/a-1.mjs", "b": "/b-1.mjs", "c": "/c-1.mjs"},
            "scopes": {
                "/scope2/": {"a": "/a-2.mjs"},
                "/scope2/scope3/": {"b": "/b-3.mjs"},
            },
        }
    )
    got = tuple(resolve(name, "http://site.invalid" + referrer, import_map) for name in "abc")
    assert got == tuple("http://site.invalid" + path for path in expected)


def test_scope_without_trailing_slash_matches_only_that_url() -> None:
    import_map = parse({"scopes": {"/app.js": {"x": "/x-app.js"}, "/dir": {"x": "/x-dir.js"}}})
    assert resolve("x", "http://site.invalid/app.js", import_map) == SITE + "x-app.js"
    assert resolve("x", "http://site.invalid/app.js2", import_map) is None
    assert resolve("x", "http://site.invalid/dir/a.js", import_map) is None


def test_exact_key_wins_over_prefix_and_longest_prefix_wins() -> None:
    import_map = parse({"imports": {"a/": "/1/", "a/b/": "/2/", "a/b/c.js": "/3.js"}})
    app = "http://site.invalid/app.js"
    assert resolve("a/x.js", app, import_map) == SITE + "1/x.js"
    assert resolve("a/b/x.js", app, import_map) == SITE + "2/x.js"
    assert resolve("a/b/c.js", app, import_map) == SITE + "3.js"


# --- invalid addresses and keys ---


def test_invalid_addresses_block_their_specifier() -> None:
    import_map, warnings = parse_import_map(
        json.dumps(
            {
                "imports": {
                    "a/": "/a/",
                    "a/blocked/": "not-a-url/",
                    "number": 1,
                    "bare": "bare-address",
                    "slash/": "/no-trailing-slash",
                }
            }
        ),
        PAGE,
    )
    assert dict(import_map.imports) == {
        "slash/": None,
        "number": None,
        "bare": None,
        "a/blocked/": None,
        "a/": SITE + "a/",
    }
    assert len(warnings) == 4
    app = "http://site.invalid/app.js"
    assert resolve("a/ok.js", app, import_map) == SITE + "a/ok.js"
    assert resolve("a/blocked/x.js", app, import_map) is None
    assert resolve("number", app, import_map) is None
    assert resolve("slash/x.js", app, import_map) is None


def test_prefix_match_may_not_backtrack_above_its_address() -> None:
    import_map = parse({"imports": {"moment/": "/node_modules/moment/src/"}})
    app = "http://site.invalid/app.js"
    assert resolve("moment/../secret.js", app, import_map) is None
    assert resolve("moment/a/../b.js", app, import_map) == SITE + "node_modules/moment/src/b.js"


def test_prefix_keys_do_not_remap_non_special_urls() -> None:
    import_map = parse({"imports": {"data:text/": "/x/", "data:text/javascript,1": "/one.js"}})
    app = "http://site.invalid/app.js"
    assert resolve("data:text/javascript,2", app, import_map) == "data:text/javascript,2"
    assert resolve("data:text/javascript,1", app, import_map) == SITE + "one.js"


def test_relative_keys_are_resolved_against_the_base_url() -> None:
    import_map, warnings = parse_import_map(
        json.dumps({"imports": {"./foo": "./bar.js", "../up/": "/up/", "": "/empty.js"}}),
        "http://site.invalid/base/path/index.html",
    )
    assert dict(import_map.imports) == {
        "http://site.invalid/base/up/": SITE + "up/",
        "http://site.invalid/base/path/foo": SITE + "base/path/bar.js",
    }
    assert warnings == ("import map specifier keys must not be empty",)
    referrer = "http://site.invalid/base/path/app.js"
    assert resolve("./foo", referrer, import_map) == SITE + "base/path/bar.js"
    assert resolve("../up/x.js", referrer, import_map) == SITE + "up/x.js"
    assert resolve("/base/up/x.js", referrer, import_map) == SITE + "up/x.js"


def test_scope_prefixes_are_urls_and_invalid_ones_are_dropped() -> None:
    import_map, warnings = parse_import_map(
        json.dumps({"scopes": {"./": {"x": "/x.js"}, "http://[bad/": {"x": "/y.js"}}}),
        "http://site.invalid/dir/index.html",
    )
    assert list(import_map.scopes) == ["http://site.invalid/dir/"]
    assert len(warnings) == 1
    assert "http://[bad/" in warnings[0]


# --- parse failures: the browser registers nothing ---


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "[]",
        '"imports"',
        '{"imports": []}',
        '{"imports": null}',
        '{"scopes": "x"}',
        '{"scopes": {"/a/": []}}',
        '{"integrity": 1}',
        '{"imports": {"a": NaN}}',
    ],
)
def test_unusable_import_maps_are_empty_with_a_warning(text: str) -> None:
    import_map, warnings = parse_import_map(text, PAGE)
    assert import_map == ImportMap()
    assert not import_map
    assert len(warnings) == 1


def test_unknown_top_level_keys_are_warned_about() -> None:
    import_map, warnings = parse_import_map('{"imports": {"a": "/a.js"}, "imprts": {}}', PAGE)
    assert dict(import_map.imports) == {"a": SITE + "a.js"}
    assert len(warnings) == 1
    assert "'imprts'" in warnings[0]


def test_a_valid_map_has_no_warnings() -> None:
    _, warnings = parse_import_map('{"imports": {"a": "/a.js"}, "integrity": {}}', PAGE)
    assert warnings == ()


# --- the data type ---


def test_maps_are_sorted_by_descending_code_units() -> None:
    import_map = ImportMap(
        imports={"a": "x:1", "a/b/": "x:/2/", "a/": "x:/3/", "\U0001f600": "x:4", "\uffff": "x:5"},
        scopes={"http://s/a/": {}, "http://s/a/b/": {}},
    )
    # UTF-16 code units: the astral character (a surrogate pair, 0xD83D…) sorts below U+FFFF.
    assert list(import_map.imports) == ["\uffff", "\U0001f600", "a/b/", "a/", "a"]
    assert list(import_map.scopes) == ["http://s/a/b/", "http://s/a/"]


def test_import_maps_are_values() -> None:
    one = ImportMap(imports={"a": "x:1", "b": None}, scopes={"x:/s/": {"a": "x:2"}})
    two = ImportMap(imports={"b": None, "a": "x:1"}, scopes={"x:/s/": {"a": "x:2"}})
    assert one == two
    assert hash(one) == hash(two)
    assert one != ImportMap(imports={"a": "x:1"})
    assert len({one, two}) == 1


# --- merging several import maps ---


def test_merge_keeps_existing_rules() -> None:
    first = parse({"imports": {"/app/helper": "./helper/index.mjs", "lodash/": "/lodash-es/"}})
    second = parse(
        {
            "imports": {"/app/": "./js/app/", "lodash/": "/lodash/", "react": "/react.js"},
            "scopes": {"/scope/": {"a": "/a-new.js"}, "/other/": {"b": "/b.js"}},
        }
    )
    first = merge_import_maps(first, parse({"scopes": {"/scope/": {"a": "/a-old.js"}}}))
    merged = merge_import_maps(first, second)
    assert dict(merged.imports) == {
        "react": SITE + "react.js",
        "lodash/": SITE + "lodash-es/",
        "http://site.invalid/app/helper": SITE + "helper/index.mjs",
        "http://site.invalid/app/": SITE + "js/app/",
    }
    assert list(merged.imports) == sorted(merged.imports, reverse=True)
    assert dict(merged.scopes[SITE + "scope/"]) == {"a": SITE + "a-old.js"}
    assert dict(merged.scopes[SITE + "other/"]) == {"b": SITE + "b.js"}
    app = "http://site.invalid/app/main.js"
    assert resolve("/app/helper", app, merged) == SITE + "helper/index.mjs"
    assert resolve("/app/other.js", app, merged) == SITE + "js/app/other.js"


def test_merge_with_an_empty_map_is_identity() -> None:
    import_map = parse({"imports": {"a": "/a.js"}, "scopes": {"/s/": {"b": "/b.js"}}})
    assert merge_import_maps(import_map, ImportMap()) == import_map
    assert merge_import_maps(ImportMap(), import_map) == import_map


def test_merge_ignores_rules_for_already_resolved_specifiers() -> None:
    main = "http://site.invalid/js/main.js"
    resolved = [
        ResolvedSpecifier.of("lodash/map.js", main),
        ResolvedSpecifier.of("./util.js", main),
    ]
    assert resolved[0] == ResolvedSpecifier("http://site.invalid/js/main.js", "lodash/map.js", None)
    assert resolved[1].specifier == resolved[1].as_url == SITE + "js/util.js"
    new = parse(
        {
            "imports": {"lodash/": "/lodash/", "lodash/map.js": "/map.js", "react": "/react.js"},
            "scopes": {
                "/js/": {"lodash/": "/scoped-lodash/", "./js/util.js": "/u.js", "vue": "/vue.js"},
                "/elsewhere/": {"lodash/": "/elsewhere-lodash/"},
            },
        }
    )
    merged = merge_import_maps(ImportMap(), new, resolved)
    assert dict(merged.imports) == {"react": SITE + "react.js"}
    assert dict(merged.scopes[SITE + "js/"]) == {"vue": SITE + "vue.js"}
    assert dict(merged.scopes[SITE + "elsewhere/"]) == {"lodash/": SITE + "elsewhere-lodash/"}
    assert resolve("lodash/map.js", main, merged) is None
