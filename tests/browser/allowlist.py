"""Known disagreements between Chromium and the manifest that we choose not to model.

Each entry is ``(site, page, url) → reason``; the reason is printed with the table. An entry
that excuses nothing fails its page (it is stale: delete it). Anything not listed here is a
crawler bug to fix, not a row to add.
"""

from __future__ import annotations

_HTML_IMPORT = (
    "HTML Imports were removed in Chrome 73, so the browser never fetches <link rel=import> "
    "or what the import references; SPEC §3 keeps them for legacy (Polymer) sites"
)

_FALLBACK = (
    "a page nothing declares the encoding of: Chromium reads it as windows-1252 (its default "
    "for this locale), the crawler as UTF-8 (SPEC: the fallback). Both ignore the <meta charset> "
    "in the body (neither reads byte E8 as windows-1251's U+0438), which is what the page tests"
)

_GLYPHS = (
    "the fixture's fonts draw only ASCII letters and digits, so Chromium, finding the glyph "
    "missing in the face it loaded, tries the next face or family; the render model takes a "
    "face to draw every character of its unicode-range (real subset fonts do), and does not "
    "read font files' character maps (issue 17 follow-up)"
)
_INSTALLED = (
    "DejaVu Sans is installed on the oracle's machine but is not in the default set of "
    "installed fonts, which is kept conservative (fonts on every desktop and phone OS): "
    "listing a face that a machine finds locally costs a push, never a missed download"
)
_SCROLLBARS = (
    "Playwright starts headless Chromium with --hide-scrollbars, which leaves element "
    "scrollbars unstyled; without it (any real browser) Chromium fetches these images"
)
_CONTAINER = (
    "@container queries depend on layout, which the render model does not compute: what "
    "their rules fetch is listed and overrides nothing (issue 17 follow-up)"
)

ALLOW: dict[tuple[str, str, str], str] = {
    ("browser-render-fonts", "fallback-glyph-missing.html", "/fonts/web-b.woff2"): _GLYPHS,
    ("browser-render-fonts", "fallback-glyph-missing-punctuation.html", "/fonts/web-b.woff2"): (
        _GLYPHS
    ),
    ("browser-render-fonts", "subset-overlap-dong.html", "/fonts/vietnamese.woff2"): _GLYPHS,
    ("browser-render-fonts", "fallback-installed-first.html", "/fonts/web-a.woff2"): _INSTALLED,
    ("browser-render-fonts", "local-installed.html", "/fonts/local-installed.woff2"): _INSTALLED,
    ("browser-render-state", "scrollbar-element.html", "/img/scrollbar.png"): _SCROLLBARS,
    ("browser-render-state", "scrollbar-element.html", "/img/scrollbar-thumb.png"): _SCROLLBARS,
    ("browser-render-state", "scrollbar-element.html", "/img/scrollbar-no-overflow.png"): (
        _SCROLLBARS
    ),
    ("browser-tree", "late-charset-body.html", "/img/body-%C3%A8.png"): _FALLBACK,
    ("browser-tree", "late-charset-body.html", "/img/body-%EF%BF%BD.png"): _FALLBACK,
    ("browser-html", "index.html", "/css/alternate.css"): (
        "Chrome fetches alternate stylesheets at idle priority though it does not apply them; "
        "SPEC §3 leaves them out: pushing a sheet the page does not render wastes bandwidth"
    ),
    ("browser-html", "index.html", "/parts/widget.html"): _HTML_IMPORT,
    ("browser-html", "index.html", "/parts/widget.css"): _HTML_IMPORT,
    ("browser-html", "index.html", "/img/widget.png"): _HTML_IMPORT,
}
