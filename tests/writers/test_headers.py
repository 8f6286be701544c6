"""push_manifest.headers: link-values per the Preload/HTML specs, the budget, the routes."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from push_manifest.headers import (
    Link,
    Routes,
    byte_regex,
    comment_text,
    fit_header,
    header_size,
    hint_value,
    join_links,
    link,
    link_value,
    page_links,
    page_routes,
    path_bytes,
    quote_param,
    uri_reference,
)
from push_manifest.model import CrossOrigin, Destination, PageManifest, Resource, WarningCode
from push_manifest.writers import WriterOptions, budget_warnings

from .factories import HOME, manifest, page, res
from .grammar import parse_link_header


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (res("/css/app.css", "style"), "</css/app.css>; rel=preload; as=style"),
        (res("/js/app.js", "script"), "</js/app.js>; rel=preload; as=script"),
        (res("/img/a.png", "image"), "</img/a.png>; rel=preload; as=image"),
        (res("/subs.vtt", "track"), "</subs.vtt>; rel=preload; as=track"),
        # Fonts are CORS requests: crossorigin even when the manifest entry lacks it.
        (
            res("/f/a.woff2", "font"),
            '</f/a.woff2>; rel=preload; as=font; type="font/woff2"; crossorigin',
        ),
        (
            res("/f/a.WOFF?v=2", "font", crossorigin=CrossOrigin.ANONYMOUS),
            '</f/a.WOFF?v=2>; rel=preload; as=font; type="font/woff"; crossorigin',
        ),
        (res("/f/a.ttf", "font"), '</f/a.ttf>; rel=preload; as=font; type="font/ttf"; crossorigin'),
        (res("/f/a.otf", "font"), '</f/a.otf>; rel=preload; as=font; type="font/otf"; crossorigin'),
        (res("/f/a", "font"), "</f/a>; rel=preload; as=font; crossorigin"),
        (res("/api/data", "fetch"), "</api/data>; rel=preload; as=fetch; crossorigin"),
        (
            res("/api/me", "fetch", crossorigin=CrossOrigin.USE_CREDENTIALS),
            "</api/me>; rel=preload; as=fetch; crossorigin=use-credentials",
        ),
        # Whatever the element had is kept.
        (
            res("/img/c.png", "image", crossorigin=CrossOrigin.ANONYMOUS),
            "</img/c.png>; rel=preload; as=image; crossorigin",
        ),
        # Modules: modulepreload; crossorigin only when it changes the credentials mode.
        (
            res("/js/m.mjs", "script", module=True, crossorigin=CrossOrigin.ANONYMOUS),
            "</js/m.mjs>; rel=modulepreload",
        ),
        (res("/js/m.mjs", "script", module=True), "</js/m.mjs>; rel=modulepreload"),
        (
            res("/js/m.mjs", "script", module=True, crossorigin=CrossOrigin.USE_CREDENTIALS),
            "</js/m.mjs>; rel=modulepreload; crossorigin=use-credentials",
        ),
        (res("/js/w.mjs", "worker", module=True), "</js/w.mjs>; rel=modulepreload; as=worker"),
        (res("/c/m.css", "style", module=True), "</c/m.css>; rel=modulepreload; as=style"),
        # imagesrcset is read only together with imagesizes (HTML "process link headers").
        (
            res("/i/a.png", "image", srcset="/i/a.png 1x, /i/b.png 2x"),
            '</i/a.png>; rel=preload; as=image; imagesrcset="/i/a.png 1x, /i/b.png 2x";'
            ' imagesizes=""',
        ),
        (
            res("/i/s.png", "image", srcset="/i/s.png 400w, /i/l.png 800w", sizes="50vw"),
            '</i/s.png>; rel=preload; as=image; imagesrcset="/i/s.png 400w, /i/l.png 800w";'
            ' imagesizes="50vw"',
        ),
        (
            res("/css/print.css", "style", media="print"),
            '</css/print.css>; rel=preload; as=style; media="print"',
        ),
        (
            res("/css/w.css", "style", media="(min-width: 40em)"),
            '</css/w.css>; rel=preload; as=style; media="(min-width: 40em)"',
        ),
    ],
)
def test_link_value(resource: object, expected: str) -> None:
    assert link_value(resource) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "resource",
    [
        res("/frame.html", "document"),
        res("/a.mp3", "audio"),
        res("/v.mp4", "video"),
        res("/w.js", "worker"),
        res("/blob", ""),
        res("/js/m.json", "fetch", module=True),
    ],
)
def test_not_preloadable(resource: object) -> None:
    assert link(resource) is None  # type: ignore[arg-type]
    assert link_value(resource) is None  # type: ignore[arg-type]


def test_nopush_is_the_last_parameter() -> None:
    value = link_value(res("/f.woff2", "font"), nopush=True)
    assert value == '</f.woff2>; rel=preload; as=font; type="font/woff2"; crossorigin; nopush'


@pytest.mark.parametrize(
    ("resource", "rel", "early"),
    [
        (res("/a.css", "style"), "preload", True),
        (res("/a.js", "script"), "preload", True),
        (res("/a.png", "image"), "preload", True),
        (res("/a.woff2", "font"), "preload", True),
        (res("/a.json", "fetch"), "preload", True),
        (res("/a.vtt", "track"), "preload", False),
        (res("/m.js", "script", module=True), "modulepreload", True),
        (res("/w.js", "worker", module=True), "modulepreload", False),
    ],
)
def test_early_hint_eligibility(resource: object, rel: str, early: bool) -> None:
    made = link(resource)  # type: ignore[arg-type]
    assert made is not None
    assert (made.rel, made.early_hint) == (rel, early)
    assert (made.hint is not None) is early
    assert made.value == made.final


_url_path_early = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20
).map(lambda text: "/" + text)

# What Chromium 156 did with each link in a 103 from Apache 2.4 (README, "Early Hints"): it
# acts on rel, as, type, crossorigin and fetchpriority, and drops a link with any other param.
_HINT_PARAMS = {"rel", "as", "type", "crossorigin", "fetchpriority"}


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (res("/a.css", "style"), "</a.css>; rel=preload; as=style"),
        (res("/a.js", "script"), "</a.js>; rel=preload; as=script"),
        (res("/a.png", "image"), "</a.png>; rel=preload; as=image"),
        (
            res("/f/a.woff2", "font"),
            '</f/a.woff2>; rel=preload; as=font; type="font/woff2"; crossorigin',
        ),
        (res("/d.json", "fetch"), "</d.json>; rel=preload; as=fetch; crossorigin"),
        (res("/m.mjs", "script", module=True), "</m.mjs>; rel=modulepreload"),
        (
            res("/m.mjs", "script", module=True, crossorigin=CrossOrigin.USE_CREDENTIALS),
            "</m.mjs>; rel=modulepreload; crossorigin=use-credentials",
        ),
        # Stylesheets are downloaded whatever their media: no `media` (Chromium would drop the
        # link), and the lowest priority, as the browser's own, where no screen matches.
        (
            res("/p.css", "style", media="print"),
            "</p.css>; rel=preload; as=style; fetchpriority=low",
        ),
        (
            res("/p.css", "style", media="only print and (color), PRINT"),
            "</p.css>; rel=preload; as=style; fetchpriority=low",
        ),
        (res("/w.css", "style", media="(min-width: 40em)"), "</w.css>; rel=preload; as=style"),
        (res("/w.css", "style", media="not print"), "</w.css>; rel=preload; as=style"),
        (res("/w.css", "style", media="print, screen"), "</w.css>; rel=preload; as=style"),
        # One URL whatever the device: the image itself, without imagesrcset.
        (
            res("/i/a.png", "image", srcset="/i/a.png 1x"),
            "</i/a.png>; rel=preload; as=image",
        ),
        (
            res("/i/a.png", "image", srcset="/i/a.png 400w", sizes="50vw"),
            "</i/a.png>; rel=preload; as=image",
        ),
        # Other devices pick another candidate: left to the final response's Link.
        (res("/i/a.png", "image", srcset="/i/a.png 1x, /i/b.png 2x"), None),
        (res("/i/a.png", "image", srcset="/i/b.png 2x"), None),
        # Fetched only where the query matches.
        (res("/bg.png", "image", media="(min-width: 40em)"), None),
        (res("/f.woff2", "font", media="print"), None),
        (res("/t.vtt", "track"), None),
        (res("/w.mjs", "worker", module=True), None),
        (res("/c.css", "style", module=True), None),
        (Resource("/old.js", Destination.SCRIPT, 1, nomodule=True), None),
        (res("/frame.html", "document"), None),
    ],
)
def test_hint_value(resource: Resource, expected: str | None) -> None:
    assert hint_value(resource) == expected
    made = link(resource, nopush=True)
    assert (made.hint if made else None) == expected
    if expected is not None:
        (parsed,) = parse_link_header(expected)
        assert set(parsed.names()) <= _HINT_PARAMS


@given(
    url=_url_path_early,
    destination=st.sampled_from(list(Destination)),
    module=st.booleans(),
    media=st.sampled_from(["", "print", "(min-width: 40em)", "screen, print"]),
    srcset=st.sampled_from(["", "/a.png 1x, /b.png 2x"]),
    crossorigin=st.sampled_from([None, *CrossOrigin]),
)
def test_a_hint_carries_only_what_chromium_reads_in_a_103(
    url: str,
    destination: Destination,
    module: bool,
    media: str,
    srcset: str,
    crossorigin: CrossOrigin | None,
) -> None:
    resource = Resource(
        url, destination, 100, crossorigin=crossorigin, module=module, media=media,
        image_srcset=srcset,
    )  # fmt: skip
    hint = hint_value(resource)
    if hint is None:
        return
    (parsed,) = parse_link_header(hint)
    assert set(parsed.names()) <= _HINT_PARAMS
    assert parsed.get("rel") in ("preload", "modulepreload")
    assert parsed.get("rel") == "modulepreload" or parsed.get("as") is not None


def test_uri_reference_encodes_what_a_uri_cannot_hold() -> None:
    assert uri_reference("/caf%C3%A9.css?x=1&y=%20") == "/caf%C3%A9.css?x=1&y=%20"
    assert uri_reference("/café.css") == "/caf%C3%A9.css"
    assert uri_reference("/a b|c^d{e}.js") == "/a%20b%7Cc%5Ed%7Be%7D.js"
    assert uri_reference("/a>b<c\"d'e.js") == "/a%3Eb%3Cc%22d'e.js"


def test_quote_param() -> None:
    assert quote_param("style") == "style"
    assert quote_param("font/woff2") == '"font/woff2"'
    assert quote_param("print", always=True) == '"print"'
    assert quote_param('a"b\\c') == '"a\\"b\\\\c"'
    assert quote_param("a.png 1x,\n\t b.png 2x", always=True) == '"a.png 1x, b.png 2x"'
    assert quote_param("", always=True) == '""'


_url_path = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30
).map(lambda text: "/" + text)
_free_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(url=_url_path, media=_free_text, srcset=_free_text, sizes=_free_text, nopush=st.booleans())
def test_every_value_parses_back_by_the_rfc_8288_grammar(
    url: str, media: str, srcset: str, sizes: str, nopush: bool
) -> None:
    resource = res(url, "image", media=media, srcset=srcset, sizes=sizes)
    value = link_value(resource, nopush=nopush)
    assert value is not None
    (parsed,) = parse_link_header(value)
    assert parsed.target == uri_reference(url)
    assert parsed.get("rel") == "preload"
    assert parsed.get("as") == "image"
    assert (parsed.get("nopush") == "") is nopush
    if srcset:
        assert parsed.get("imagesrcset") == _normalized(srcset)
        assert parsed.get("imagesizes") == _normalized(sizes)
    else:
        assert parsed.get("imagesrcset") is None
    assert parsed.get("media") == (_normalized(media) if media else None)


def _normalized(text: str) -> str:
    """Header-safe list text: control characters and spaces collapse to one space."""
    return re.sub(r"[\x00-\x20\x7f]+", " ", text).strip()


def test_many_values_join_into_one_field() -> None:
    values = [link_value(r) for r in HOME.resources]
    field = join_links(v for v in values if v)
    parsed = parse_link_header(field)
    assert [p.target for p in parsed] == [r.url for r in HOME.resources if link(r)]
    assert header_size([field]) == len(field.encode())


def _links(*sizes_and_weights: tuple[int, int]) -> list[Link]:
    """Links whose values have the given byte sizes, with the given weights."""
    out = []
    for index, (size, weight) in enumerate(sizes_and_weights):
        resource = res(f"/{index}", "style", weight)
        value = f"</{index}>;" + "x" * (size - len(f"</{index}>;"))
        out.append(Link(resource=resource, value=value, rel="preload", final=value, hint=value))
    return out


def test_fit_header_keeps_all_that_fit() -> None:
    links = _links((10, 5), (10, 4))
    assert fit_header(links, 22) == (tuple(links), ())
    assert fit_header(links, 0) == (tuple(links), ())


def test_fit_header_drops_lowest_weights_first() -> None:
    heavy, light, middle = _links((10, 200), (10, 10), (10, 100))
    kept, dropped = fit_header([heavy, light, middle], 22)
    assert kept == (heavy, middle)
    assert dropped == (light,)
    kept, dropped = fit_header([heavy, light, middle], 10)
    assert kept == (heavy,)
    assert dropped == (light, middle)
    assert fit_header([heavy, light, middle], 9) == ((), (light, middle, heavy))


def test_fit_header_drops_the_later_of_equal_weights() -> None:
    first, second = _links((10, 50), (10, 50))
    assert fit_header([first, second], 15) == ((first,), (second,))


@given(
    st.lists(st.tuples(st.integers(5, 60), st.integers(1, 256)), max_size=12),
    st.integers(1, 400),
)
def test_fit_header_properties(items: list[tuple[int, int]], budget: int) -> None:
    links = _links(*items)
    kept, dropped = fit_header(links, budget)
    assert header_size(link.value for link in kept) <= budget
    assert sorted(map(id, kept + dropped)) == sorted(map(id, links))
    assert list(kept) == [link for link in links if link in kept]
    if kept and dropped:
        assert max(link.resource.weight for link in dropped) <= min(
            link.resource.weight for link in kept
        )


@pytest.mark.parametrize(
    ("url", "routes", "expected"),
    [
        ("/index.html", Routes.HTML, ("/", "/index.html")),
        ("/blog/index.html", Routes.HTML, ("/blog/", "/blog/index.html")),
        ("/blog/post.html", Routes.HTML, ("/blog/post.html",)),
        ("/old/page.htm", Routes.HTML, ("/old/page.htm",)),
        ("/index.html", Routes.EXTENSIONLESS, ("/",)),
        ("/blog/index.html", Routes.EXTENSIONLESS, ("/blog/",)),
        ("/blog/post.html", Routes.EXTENSIONLESS, ("/blog/post",)),
        ("/old/page.htm", Routes.EXTENSIONLESS, ("/old/page",)),
        ("/reindex.html", Routes.HTML, ("/reindex.html",)),
        ("/feed.xml", Routes.EXTENSIONLESS, ("/feed.xml",)),
    ],
)
def test_page_routes(url: str, routes: Routes, expected: tuple[str, ...]) -> None:
    assert page_routes(url, routes) == expected


def test_page_links_filters_and_budgets() -> None:
    every = page_links(HOME)
    assert [link.resource.url for link in every.links] == [
        "/css/app.css",
        "/js/app.js",
        "/fonts/inter.woff2",
        "/js/main.mjs",
        "/img/hero.png",
        "/media/captions.vtt",
    ]
    assert every.routes == ("/", "/index.html")
    assert parse_link_header(every.value)
    hinted = page_links(HOME, early_hints=True, nopush=True)
    # The track and the srcset image (two candidates) stay out of a 103.
    assert [link.resource.url for link in hinted.links] == [
        "/css/app.css",
        "/js/app.js",
        "/fonts/inter.woff2",
        "/js/main.mjs",
    ]
    # The header is the 103 form, which never says nopush; the final form still does.
    assert [link.value for link in hinted.links] == [link.hint for link in hinted.links]
    assert all(link.final.endswith("; nopush") for link in hinted.links)
    assert "nopush" not in hinted.value
    small = page_links(HOME, budget=100)
    assert header_size(link.value for link in small.links) <= 100
    assert [link.resource.url for link in small.dropped][:2] == [
        "/media/captions.vtt",
        "/img/hero.png",
    ]


def test_page_links_uses_the_key_when_the_url_is_missing() -> None:
    bare = PageManifest(key="docs/index.html", url="", resources=(res("/a.css", "style"),))
    assert page_links(bare, routes=Routes.EXTENSIONLESS).routes == ("/docs/",)


def test_budget_warnings_name_the_page_and_what_was_dropped() -> None:
    big = page(
        "index.html",
        *(res(f"/css/{n}.css", "style", 256 - n) for n in range(40)),
    )
    warnings = budget_warnings(manifest(big), WriterOptions(header_budget=400))
    (warning,) = warnings
    assert warning.code is WarningCode.BUDGET
    assert warning.document == "index.html"
    assert "/css/39.css" in warning.message and "/css/0.css" not in warning.message
    assert budget_warnings(manifest(big), WriterOptions(header_budget=0)) == ()
    assert budget_warnings(manifest(HOME), WriterOptions()) == ()


def test_destination_table_is_total() -> None:
    for destination in Destination:
        for module in (False, True):
            made = link(res("/x", destination, module=module))
            assert made is None or parse_link_header(made.value)


@given(raw=st.binary(max_size=12), other=st.binary(max_size=12))
def test_byte_regex_matches_exactly_its_bytes(raw: bytes, other: bytes) -> None:
    regex = byte_regex(raw)
    assert regex.isprintable()
    # Python's re on bytes reads \xHH and the UTF-8 of other characters as PCRE without UTF
    # mode does: byte for byte.
    pattern = re.compile(regex.encode("utf-8"))
    assert pattern.fullmatch(raw)
    assert bool(pattern.fullmatch(other)) is (other == raw)


def test_comment_text_keeps_a_comment_on_one_line() -> None:
    assert comment_text("a\nb\r\tc\x7fd é") == "a%0Ab%0D%09c%7Fd é"
    assert path_bytes("/a%0A%FF%25x") == b"/a\n\xff%x"


def test_fit_header_counts_the_longest_form_a_writer_sends() -> None:
    # Apache sends the final form (nopush, media) beside the 103 one (fetchpriority=low).
    resource = res("/p.css", "style", 10, media="print")
    made = page_links(page("index.html", resource), nopush=True).links[0]
    assert made.hint == "</p.css>; rel=preload; as=style; fetchpriority=low"
    assert made.final == '</p.css>; rel=preload; as=style; media="print"; nopush'
    longest = max(len(made.final), len(made.hint))
    assert fit_header([made], longest) == ((made,), ())
    assert fit_header([made], longest - 1) == ((), (made,))
    hinted = page_links(page("index.html", resource), nopush=True, early_hints=True)
    assert hinted.value == made.hint
    assert page_links(
        page("index.html", resource), nopush=True, early_hints=True, budget=longest - 1
    ).dropped == (replace(made, value=made.hint),)
