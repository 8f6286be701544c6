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

ALLOW: dict[tuple[str, str, str], str] = {
    ("browser-tree", "late-charset-body.html", "/img/body-%C3%A8.png"): _FALLBACK,
    ("browser-tree", "late-charset-body.html", "/img/body-%EF%BF%BD.png"): _FALLBACK,
    ("browser-html", "index.html", "/css/alternate.css"): (
        "Chrome fetches alternate stylesheets at idle priority though it does not apply them; "
        "SPEC §3 leaves them out: pushing a sheet the page does not render wastes bandwidth"
    ),
    ("browser-html", "index.html", "/parts/widget.html"): _HTML_IMPORT,
    ("browser-html", "index.html", "/parts/widget.css"): _HTML_IMPORT,
    ("browser-html", "index.html", "/img/widget.png"): _HTML_IMPORT,
    ("browser-css", "index.html", "/css/unsupported.css"): (
        "@import with a supports() condition Chrome evaluates false: deciding it needs Chrome's "
        "table of every property and value it supports, so the crawler takes supports() as "
        "true (never prune on doubt)"
    ),
}
