"""Render-aware pruning through the crawl: what the first render does not fetch is left out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from push_manifest import build_manifest
from push_manifest.cli import cli
from push_manifest.model import Manifest, Resource

SiteMaker = Callable[[dict[str, str | bytes]], Path]

CSS = """
@font-face { font-family: Icons; font-weight: 400; src: url(icons-regular.woff2) format("woff2"); }
@font-face { font-family: Icons; font-weight: 900; src: url(icons-solid.woff2) format("woff2"); }
@font-face { font-family: Unused; src: url(unused.woff2) format("woff2"); }
.icon { font-family: Icons; }
.solid { font-weight: 900; }
.hero { background: url(hero.png); }
.missing { background: url(nobody.png); }
a:hover { background: url(hover.png); }
.note::before { content: ""; background: url(before.png); }
@media (min-width: 2000px) { .hero { background: url(huge.png); } }
@media print { .hero { background: url(print.png); } }
"""
PAGE = """<!doctype html><html><head><link rel="stylesheet" href="site.css"></head>
<body><div class="hero"><a href="/">home</a></div><p class="note">n</p>
<i class="icon solid">&#xf001;</i></body></html>"""


def _urls(root: Path, **options: object) -> set[str]:
    manifest = build_manifest([root / "index.html"], **options)  # type: ignore[arg-type]
    return {r.url for r in manifest.pages[0].resources}


def test_pruning_keeps_what_renders_and_drops_the_rest(make_site: SiteMaker) -> None:
    root = make_site({"index.html": PAGE, "site.css": CSS})
    assert _urls(root) == {"/site.css", "/hero.png", "/before.png", "/icons-solid.woff2"}


def test_no_prune_lists_every_reference(make_site: SiteMaker) -> None:
    root = make_site({"index.html": PAGE, "site.css": CSS})
    assert _urls(root, prune=False) == {
        "/site.css", "/hero.png", "/before.png", "/nobody.png", "/hover.png", "/huge.png",
        "/print.png", "/icons-regular.woff2", "/icons-solid.woff2", "/unused.woff2",
    }  # fmt: skip


def test_a_narrow_viewport_changes_what_applies(make_site: SiteMaker) -> None:
    from push_manifest.model import Viewport

    css = "@media (max-width: 600px) { .hero { background: url(small.png) } }"
    root = make_site({"index.html": PAGE.replace("site.css", "m.css"), "m.css": css})
    assert "/small.png" not in _urls(root)
    assert "/small.png" in _urls(root, viewport=Viewport(375, 667, 2.0))


def test_verbose_says_what_was_pruned_and_why(make_site: SiteMaker) -> None:
    root = make_site({"index.html": PAGE, "site.css": CSS})
    result = CliRunner().invoke(
        cli, ["-f", str(root / "index.html"), "-m", "-", "--verbose", "--no-cache"],
        catch_exceptions=False,
    )  # fmt: skip
    cascade = "no rendered element's background computes to it (the cascade at load)"
    assert f"pruned /nobody.png: {cascade}" in result.stderr
    assert f"pruned /hover.png: {cascade}" in result.stderr
    assert "pruned /print.png: media 'print' does not match the viewport" in result.stderr
    # <i> is italic in the UA style sheet: the 900 face is matched and synthesised italic.
    assert (
        "pruned /icons-regular.woff2: text in 'Icons' asks for 900 italic, which picks other"
        " faces than 400 normal" in result.stderr
    )
    assert "pruned /unused.woff2: no rendered text in U+0-10FFFF uses 'Unused'" in result.stderr


def test_without_explain_the_pruned_list_is_left_out_and_the_cache_never_hides_it(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    root = make_site({"index.html": PAGE, "site.css": CSS})
    cache = tmp_path / "cache"
    lean = build_manifest([root / "index.html"], explain=False, cache_dir=cache)
    # The cached result has no reasons: an explaining run crawls the page again.
    full = build_manifest([root / "index.html"], cache_dir=cache)
    lean_again = build_manifest([root / "index.html"], explain=False, cache_dir=cache)
    assert lean.pages[0].pruned == lean_again.pages[0].pruned == ()
    assert {url for url, _ in full.pages[0].pruned} == {
        "/nobody.png", "/hover.png", "/huge.png", "/print.png", "/icons-regular.woff2",
        "/unused.woff2",
    }  # fmt: skip

    # The same resources; only an explaining run says why the render model kept each (a lean
    # run may reuse an explained result from the cache: the reasons then come along).
    def bare(manifest: Manifest) -> list[Resource]:
        return [replace(r, why="") for r in manifest.pages[0].resources]

    assert bare(lean) == bare(full) == bare(lean_again)
    assert all(r.why == "" for r in lean.pages[0].resources)
    assert any(r.why for r in full.pages[0].resources)


def test_a_url_through_var_is_weighed_where_it_is_used(make_site: SiteMaker) -> None:
    """A ``url()`` in a custom property resolves against the sheet (or page) whose
    declaration uses the ``var()``; it is listed with that place's context: a body
    ``<style>`` caps it as that stylesheet's own images, and a ``style`` attribute too."""
    tokens = "css/tokens.css"
    page = (
        '<!doctype html><html><head><link rel="stylesheet" href="css/tokens.css"></head><body>'
        '<div class="a">a</div><div style="border-image-source: var(--j)">b</div>'
        "<style>.a { background-image: var(--i) }</style></body></html>"
    )
    root = make_site({
        "index.html": page,
        tokens: ":root { --i: url(img/i.png); --j: url(img/j.png) }",
        "img/i.png": b"i", "img/j.png": b"j", "css/img/i.png": b"x", "css/img/j.png": b"y",
    })  # fmt: skip
    manifest = build_manifest([root / "index.html"], explain=True)
    (page_manifest,) = manifest.pages
    by_url = {r.url: r for r in page_manifest.resources}
    assert set(by_url) == {"/css/tokens.css", "/img/i.png", "/img/j.png"}
    stylesheet_image = build_manifest(
        [make_site({"index.html": '<body><style>.a{background:url(x.png)}</style>'
                    '<div class="a">a</div>', "x.png": b"x"}) / "index.html"]
    ).pages[0].resources  # fmt: skip
    (direct,) = [r for r in stylesheet_image if r.url == "/x.png"]
    assert by_url["/img/i.png"].weight == direct.weight
    assert "background-image" in by_url["/img/i.png"].explanation(page_manifest)
