"""The recorder itself: it blocks other origins, classifies initiators, and waits well."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pytest

from push_manifest.verify.run import record_pages

from .chromium import (
    CHROMIUM_ARGS,
    DESKTOP,
    PLAYWRIGHT_DISABLED_FEATURES,
    UNUSED_BROWSER_FEATURES,
    Initiator,
    PageRecording,
    RecordedRequest,
    record_page,
)
from .server import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

Recordings = Callable[[str], dict[str, PageRecording]]


def by_url(recording: PageRecording) -> dict[str, RecordedRequest]:
    return {request.url: request for request in reversed(recording.requests)}


def test_other_origins_are_blocked_before_leaving_the_browser(recordings: Recordings) -> None:
    recording = recordings("browser-html")["index.html"]
    assert set(recording.blocked) == {
        "https://example.com/x.js",
        "http://cdn.example.org/y.css",
        "https://example.com/z.png",
    }
    assert recording.leaked == ()
    assert all(request.url.startswith("/") for request in recording.requests)


class _Counting(BaseHTTPRequestHandler):
    """Another loopback server: every request that reaches it is counted (none should)."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.mark.parametrize("recorder", ["sync", "async"])
def test_frames_navigations_and_subresources_elsewhere_are_blocked(
    browser: Browser, tmp_path: Path, recorder: str
) -> None:
    """Another port of 127.0.0.1 is another origin: its frame, image, script fetch and a
    frame's later navigation are all stopped inside the browser, and reported."""
    other = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    _Counting.hits = []
    threading.Thread(
        target=other.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    elsewhere = f"http://127.0.0.1:{other.server_address[1]}"
    (tmp_path / "here.html").write_text("<!doctype html><title>here</title>\n")
    (tmp_path / "page.html").write_text(
        f'<!doctype html><title>fenced</title><iframe src="{elsewhere}/frame.html"></iframe>'
        f'<iframe id="f" src="here.html"></iframe><img src="{elsewhere}/img.png" alt="">'
        f'<img src="http://10.1.2.3/ip.png" alt=""><script>fetch("{elsewhere}/data.json")'
        ".catch(() => {}); addEventListener('load', () => document.getElementById('f')"
        f'.contentWindow.location.assign("{elsewhere}/later.html"));</script>\n'
    )
    try:
        if recorder == "sync":
            with serve(tmp_path) as server:
                recording = record_page(browser, server.origin, "/page.html")
        else:
            recordings, errors = record_pages(tmp_path, ["page.html"], device=DESKTOP, workers=1)
            assert errors == {}
            recording = recordings["page.html"]
    finally:
        other.shutdown()
        other.server_close()
    assert _Counting.hits == []
    assert set(recording.blocked) == {
        f"{elsewhere}/frame.html",
        f"{elsewhere}/img.png",
        "http://10.1.2.3/ip.png",
        f"{elsewhere}/data.json",
        f"{elsewhere}/later.html",
    }
    assert recording.leaked == ()
    assert {request.url for request in recording.requests} == {"/here.html"}


def test_host_resolver_rule_fails_every_other_host(browser: Browser) -> None:
    """The second fence: even without the DevTools session's blocking, no other host name
    resolves."""
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" in CHROMIUM_ARGS
    context = browser.new_context()
    try:
        page = context.new_page()
        with pytest.raises(Exception, match="ERR_NAME_NOT_RESOLVED"):
            page.goto("http://example.com/", timeout=5000)
    finally:
        context.close()


def test_our_disabled_features_keep_playwrights(browser: Browser) -> None:
    """Chromium obeys only the last ``--disable-features``: ours must hold every feature
    that Playwright's launcher disables (a new Playwright that adds one fails here)."""
    session = browser.new_browser_cdp_session()
    processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    (pid,) = (process["id"] for process in processes if process["type"] == "browser")
    # Chromium rewrites its command line into one string; no switch value holds a space.
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().split()
    lists = [
        arg.split("=", 1)[1].split(",") for arg in argv if arg.startswith("--disable-features=")
    ]
    assert len(lists) >= 2, argv  # Playwright's, then ours
    assert lists[-1] == [*PLAYWRIGHT_DISABLED_FEATURES, *UNUSED_BROWSER_FEATURES]
    for earlier in lists[:-1]:
        assert set(earlier) <= set(lists[-1])


def test_a_page_starts_no_browser_ui_page(browser: Browser) -> None:
    """The address bar's popups (web pages of their own, one renderer per window) are off."""
    session = browser.new_browser_cdp_session()
    context = browser.new_context()
    try:
        context.new_page().goto("about:blank")
        targets = session.send("Target.getTargets")["targetInfos"]
        kinds = {target["type"] for target in targets}
        assert "page" in kinds
        assert "browser_ui" not in kinds, targets
    finally:
        context.close()


def test_initiators_name_the_page_the_stylesheet_or_the_module(recordings: Recordings) -> None:
    css = by_url(recordings("browser-css")["index.html"])
    assert (css["/css/main.css"].initiator, css["/css/main.css"].initiator_url) == (
        Initiator.PARSER,
        "/index.html",
    )
    assert (css["/css/base.css"].initiator, css["/css/base.css"].initiator_url) == (
        Initiator.STYLESHEET,
        "/css/main.css",
    )
    font = css["/fonts/modern.woff2"]
    assert (font.resource_type, font.initiator, font.initiator_url) == (
        "Font",
        Initiator.STYLESHEET,
        "/css/fonts.css",
    )
    html = by_url(recordings("browser-html")["index.html"])
    assert (html["/js/dep.js"].initiator, html["/js/dep.js"].initiator_url) == (
        Initiator.MODULE,
        "/js/main.js",
    )
    assert html["/frame.html"].initiator == Initiator.FRAME
    assert html["/img/framed.png"].initiator == Initiator.FRAME
    assert html["/img/missing.png"].status == 404


def test_the_page_itself_and_favicon_ico_are_not_resources(recordings: Recordings) -> None:
    for site in ("browser-html", "browser-images"):
        urls = {request.url for request in recordings(site)["index.html"].requests}
        assert "/index.html" not in urls
        assert "/favicon.ico" not in urls


def test_a_fetch_after_the_load_event_is_waited_for(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "late.txt").write_text("late\n")
    (tmp_path / "page.html").write_text(
        "<!doctype html><title>late</title><script>"
        'addEventListener("load", () => setTimeout(() => fetch("late.txt"), 300));'
        "</script>\n"
    )
    with serve(tmp_path) as server:
        recording = record_page(browser, server.origin, "/page.html", quiet_ms=500)
    assert recording.quiet
    [late] = recording.requests
    assert (late.url, late.resource_type, late.initiator, late.status) == (
        "/late.txt",
        "Fetch",
        Initiator.SCRIPT,
        200,
    )


def test_a_page_that_never_goes_quiet_is_cut_off(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "poll.txt").write_text("again\n")
    (tmp_path / "page.html").write_text(
        "<!doctype html><title>busy</title><script>"
        'setInterval(() => fetch("poll.txt?" + Date.now()), 100);'
        "</script>\n"
    )
    started = time.monotonic()
    with serve(tmp_path) as server:
        recording = record_page(browser, server.origin, "/page.html", quiet_ms=500, timeout_s=2)
    assert not recording.quiet
    assert time.monotonic() - started < 5
    assert len(recording.requests) >= 5


class _Hanging(BaseHTTPRequestHandler):
    """Answers the page, and never finishes answering its image."""

    def do_GET(self) -> None:
        if self.path == "/page.html":
            body = b'<!doctype html><title>hang</title><img src="hang.png" alt="">\n'
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.flush()
        time.sleep(10)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def test_a_subresource_that_holds_back_the_load_event_is_cut_off(browser: Browser) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hanging)
    httpd.daemon_threads = True
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    started = time.monotonic()
    try:
        recording = record_page(browser, origin, "/page.html", timeout_s=2)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert time.monotonic() - started < 5
    assert not recording.quiet
    # The status is there when the response headers arrived before the cut (on a loaded
    # machine they may not have): what matters is that the request is recorded, unfinished.
    assert [r.url for r in recording.requests] == ["/hang.png"]
    assert recording.requests[0].status in (0, 200)
