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
_NOMODULE = (
    "nomodule script: module-capable browsers skip it; SPEC §3 lists it at the lowest weight "
    "for browsers without modules"
)

ALLOW: dict[tuple[str, str, str], str] = {
    ("browser-html", "index.html", "/css/alternate.css"): (
        "Chrome fetches alternate stylesheets at idle priority though it does not apply them; "
        "SPEC §3 leaves them out: pushing a sheet the page does not render wastes bandwidth"
    ),
    ("browser-html", "index.html", "/js/legacy.js"): _NOMODULE,
    ("browser-modules", "index.html", "/js/legacy-bundle.js"): _NOMODULE,
    ("browser-html", "index.html", "/parts/widget.html"): _HTML_IMPORT,
    ("browser-html", "index.html", "/parts/widget.css"): _HTML_IMPORT,
    ("browser-html", "index.html", "/img/widget.png"): _HTML_IMPORT,
    ("browser-css", "index.html", "/css/unsupported.css"): (
        "@import with a supports() condition Chrome evaluates false: deciding it needs Chrome's "
        "table of every property and value it supports, so the crawler takes supports() as "
        "true (never prune on doubt)"
    ),
    ("browser-images", "index.html", "/img/lazy-near.png"): (
        "loading=lazy image near the viewport: Chrome loads it at once, but SPEC §3 leaves "
        "lazy images out unless asked for (their position needs layout)"
    ),
    ("browser-images", "index.html", "/icons/touch.png"): (
        "apple-touch-icon is for iOS home screens; desktop Chrome fetches only the favicon. "
        "SPEC §3 lists every icon, at the lowest weight"
    ),
}
