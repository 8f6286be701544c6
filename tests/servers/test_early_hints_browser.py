"""103 Early Hints that Chromium acts on, end to end: a page that takes a second to generate
(a CGI script behind Apache with mod_http2 over TLS h2), the configuration the project writes
for it, and Debian's Chromium loading it.

For ``--format apache --early-hints`` with and without ``--nopush``, and for the ``--format link
--early-hints`` value sent as it is in a 103 (what users give other servers and CDNs), every
resource the 103 names must be taken from it by the page (Resource Timing ``initiatorType`` is
``"early-hints"``), requested while the page was still being generated, exactly once, and
used by the page: nothing is hinted that the page does not load. The fixture has what a 103
cannot say as the final response can: a ``media="print"`` stylesheet, a ``srcset`` image with
two candidates, a font and a module graph.

Chromium trusts the test's self-signed certificate through
``--ignore-certificate-errors-spki-list``: with ``--ignore-certificate-errors`` it fetches what
a 103 names but never uses it. It reuses a hinted response through its HTTP cache, so the
response must still be fresh when the page asks for it: the fixture files are dated a day back
(a static file modified seconds ago, with no ``Cache-Control``, is only fresh for a tenth of its
age and is revalidated). Chromium still ignores a 103 now and then for no visible reason, so a
case gets up to three navigations, each in a fresh browser context.
"""

from __future__ import annotations

import os
import struct
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from push_manifest import build_manifest
from push_manifest.headers import page_links
from push_manifest.writers import WriterOptions, render

from ..browser.chromium import CHROMIUM, CHROMIUM_ARGS, DEVICE_SCALE_FACTOR, VIEWPORT
from ..writers.grammar import parse_link_header
from .harness import Server, apache, spki_pin, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.server, pytest.mark.browser]

THINK_S = 1
"""How long the page takes to generate: the time Early Hints have to fetch."""
ATTEMPTS = 3

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Early Hints</title>
<link rel="stylesheet" href="/css/app.css">
<link rel="stylesheet" href="/css/print.css" media="print">
<script type="module" src="/js/main.mjs"></script>
</head>
<body>
<h1 class="brand">Early Hints</h1>
<img src="/img/hero.png" srcset="/img/hero.png 1x, /img/hero-2x.png 2x" width="8" height="8"
     alt="">
<img src="/img/logo.png" width="8" height="8" alt="">
</body>
</html>
"""

FILES = {
    "css/app.css": (
        '@font-face { font-family: Brand; src: url(/fonts/brand.woff2) format("woff2"); }\n'
        ".brand { font-family: Brand, sans-serif; }\n"
    ),
    "css/print.css": "h1 { color: black; }\n",
    "js/main.mjs": 'import { answer } from "./answer.mjs";\ndocument.title = String(answer);\n',
    "js/answer.mjs": "export const answer = 42;\n",
}

HINTED = {
    "/css/app.css",
    "/css/print.css",
    "/fonts/brand.woff2",
    "/js/main.mjs",
    "/js/answer.mjs",
    "/img/logo.png",
}
"""What the 103 names: everything the page loads but the ``srcset`` image, whose other
candidate a 2x screen would fetch instead (it stays in the final response's ``Link``)."""


def _png(size: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _cgi(page: str) -> str:
    """A CGI script that takes :data:`THINK_S` to answer with ``page``."""
    return (
        f"#!/bin/sh\nsleep {THINK_S}\n"
        "printf 'Content-Type: text/html; charset=utf-8\\r\\n\\r\\n'\n"
        f"cat <<'PAGE'\n{page}PAGE\n"
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The static site the manifest is crawled from, and the same site as served, where
    ``index.html`` is the CGI script that generates the page."""
    base = tmp_path_factory.mktemp("early-hints")
    static, served = base / "static", base / "served"
    for root in (static, served):
        for name, text in FILES.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        (root / "img").mkdir(exist_ok=True)
        (root / "img/hero.png").write_bytes(_png(8, (200, 40, 40)))
        (root / "img/hero-2x.png").write_bytes(_png(16, (200, 40, 40)))
        (root / "img/logo.png").write_bytes(_png(8, (40, 40, 200)))
        (root / "fonts").mkdir(exist_ok=True)
        (root / "fonts/brand.woff2").write_bytes(b"wOF2" + bytes(44))
    (static / "index.html").write_text(PAGE, encoding="utf-8")
    script = served / "index.html"
    script.write_text(_cgi(PAGE), encoding="utf-8")
    script.chmod(0o755)
    day_ago = time.time() - 86400
    for path in served.rglob("*"):
        os.utime(path, (day_ago, day_ago))
    return static, served


_SCRIPT = """
<Location "/index.html">
    SetHandler cgi-script
    Options +ExecCGI
</Location>
"""


def _early_hint_config(value: str) -> str:
    """A configuration that sends ``value`` as the 103's ``Link``, as a server or CDN given the
    ``--format link`` output would."""
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (
        f'H2EarlyHints on\n<Location "/index.html">\n    H2EarlyHint Link {quoted}\n</Location>\n'
    )


@dataclass(frozen=True)
class Load:
    """One navigation: Resource Timing's ``initiatorType`` per path, and the server's view."""

    initiators: dict[str, str]
    requests: list[tuple[float, int, str]]
    """``(seconds after the page's request began, status, path)`` per request, in order."""

    def problems(self, hinted: set[str]) -> list[str]:
        found = []
        for path in sorted(hinted):
            if self.initiators.get(path) != "early-hints":
                found.append(f"{path}: initiatorType {self.initiators.get(path)!r}")
        paths = [path for _, _, path in self.requests]
        for path in sorted(set(paths)):
            if paths.count(path) > 1:
                found.append(f"{path}: requested {paths.count(path)} times")
            elif path not in self.initiators and path not in ("/index.html", "/favicon.ico"):
                found.append(f"{path}: requested but not used by the page")
        for began, _, path in self.requests:
            if path in hinted and began >= THINK_S:
                found.append(f"{path}: requested {began:.3f} s in, after the page was ready")
        return found


def _load(browser: Browser, server: Server) -> Load:
    assert server.access_log is not None
    log = server.access_log
    done = len(log.read_text().splitlines()) if log.exists() else 0
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=DEVICE_SCALE_FACTOR)
    try:
        page = context.new_page()
        page.goto(server.tls + "/index.html", wait_until="load", timeout=15_000)
        page.wait_for_function(
            "document.title === '42' && document.fonts.status === 'loaded'", timeout=10_000
        )
        entries: list[list[str]] = page.evaluate(
            """() => performance.getEntriesByType("resource").map(
                entry => [new URL(entry.name).pathname, entry.initiatorType])"""
        )
    finally:
        context.close()
    time.sleep(0.1)  # Apache logs a request when it has answered it.
    requests = []
    for line in log.read_text().splitlines()[done:]:
        began, status, path = line.split(" ", 2)
        requests.append((float(began), int(status), path))
    start = next((began for began, _, path in requests if path == "/index.html"), 0.0)
    return Load(
        initiators={path: kind for path, kind in entries},
        requests=[(began - start, status, path) for began, status, path in requests],
    )


def _navigate(server: Server, hinted: set[str]) -> None:
    """Load the page in Chromium until a navigation passes (at most :data:`ATTEMPTS`); fail
    with what each one did otherwise."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Python playwright is missing: pip install -e '.[browser]'")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} not found: apt-get install chromium")
    assert server.cert is not None
    pin = f"--ignore-certificate-errors-spki-list={spki_pin(server.cert)}"
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, pin]
            )
        except Exception as error:  # Playwright raises its own Error for any launch failure.
            unavailable(f"{CHROMIUM} did not start: {error}")
        try:
            report = []
            for attempt in range(1, ATTEMPTS + 1):
                load = _load(browser, server)
                problems = load.problems(hinted)
                if not problems:
                    return
                report.append(f"navigation {attempt}: " + "; ".join(problems))
                report.append(f"    server saw: {load.requests}")
            pytest.fail("\n".join(report), pytrace=False)
        finally:
            browser.close()


def _check(config: str, served: Path, hinted: set[str]) -> None:
    with apache(config + _SCRIPT, site=served, cgi=True) as server:
        if server.version < (2, 4, 58):
            pytest.skip(f"H2EarlyHint needs Apache 2.4.58+, this is {server.version}")
        # A thread of its own: Playwright's sync API cannot start in a thread where another
        # instance runs (the browser suite keeps one for the whole session).
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(_navigate, server, hinted).result()


@pytest.mark.parametrize("nopush", [False, True], ids=["early-hints", "early-hints-nopush"])
def test_apache_early_hints_are_taken_by_chromium(sites: tuple[Path, Path], nopush: bool) -> None:
    static, served = sites
    manifest = build_manifest([static / "index.html"], root=static)
    options = WriterOptions(early_hints=True, nopush=nopush)
    (page,) = manifest.pages
    links = page_links(page, early_hints=True, nopush=nopush).links
    hinted = {link.resource.url for link in links if link.hint}
    assert hinted == HINTED
    assert "/img/hero.png" in {resource.url for resource in page.resources}
    _check(render(manifest, "apache", options), served, hinted)


def test_link_format_value_is_taken_by_chromium_in_a_103(sites: tuple[Path, Path]) -> None:
    static, served = sites
    manifest = build_manifest([static / "index.html"], root=static)
    value = render(manifest, "link", WriterOptions(early_hints=True, nopush=True)).strip()
    hinted = {link.target for link in parse_link_header(value)}
    assert hinted == HINTED
    _check(_early_hint_config(value), served, hinted)
