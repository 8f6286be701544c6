"""Record what headless Chromium fetches when it loads a page.

This is the one recorder of the project: ``http2-push-manifest verify`` and the browser-oracle
tests (``tests/browser``) both use it. Chromium is the system's (Debian's ``/usr/bin/chromium``
by default), driven by Python Playwright (the sync API for one page, :func:`record_page`; the
async one to load several at once in one browser, :func:`record_page_async`), which is imported
only when a browser is launched (the optional ``verify`` extra); Playwright never downloads a
browser of its own here.
Each page is loaded in a fresh context at 1280x800, device pixel ratio 1 (or a phone's 390x844
at DPR 3 with touch and mobile emulation, ``MOBILE``), with the HTTP cache disabled and service
workers blocked. A Chrome DevTools Protocol session listens to
``Network.requestWillBeSent``, whose ``initiator`` says what caused each request
(https://chromedevtools.github.io/devtools-protocol/tot/Network/#type-Initiator). The same
session blocks every request to an origin other than the local server, inside the browser
(``Network.setBlockedURLs`` for subresources, ``Fetch`` interception of documents for frames and
navigations), and a host resolver rule maps every other host to "not found", so no traffic
leaves the machine. (A Playwright route would do the first, but it sends every request of the
page through the driver: a fifth of the CPU of a page.)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.async_api import Browser as AsyncBrowser
    from playwright.async_api import CDPSession as AsyncCDPSession
    from playwright.async_api import Page as AsyncPage
    from playwright.async_api import Playwright as AsyncPlaywright
    from playwright.sync_api import Browser, CDPSession, Playwright, ViewportSize

CHROMIUM = "/usr/bin/chromium"
PLAYWRIGHT_DISABLED_FEATURES = (
    "AimEnabled",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsFirstBalancedModeAutoEnable",
    "HttpsUpgrades",
    "LensOverlay",
    "MediaRouter",
    "NetworkTimeServiceQuerying",
    "OptimizationHints",
    "PaintHolding",
    "PreconnectToSearch",
    "TcpPortRandomizationWin",
    "ThirdPartyStoragePartitioning",
    "msEdgeUpdateLaunchServicesPreferredVersion",
    "msForceBrowserSignIn",
)
"""The features Playwright's launcher disables (its ``--disable-features``, Playwright 1.65).
Chromium reads only the last ``--disable-features`` switch, so ours must repeat them."""
UNUSED_BROWSER_FEATURES = (
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "WebUIOmniboxFullPopup",
    "SpareRendererForSitePerProcess",
)
"""Browser features that cost CPU on every page and change nothing a page fetches: the
address bar's popups are web pages of their own, loaded in a renderer for every new window
(one per context), and a spare renderer is started ahead for every context. Off, a page costs
about half the CPU (measured with ``bench/verify_pages.py``; see the README)."""
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + UNUSED_BROWSER_FEATURES),
)
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
DEVICE_SCALE_FACTOR = 1


@dataclass(frozen=True, slots=True)
class BrowserDevice:
    """How a context emulates a device (Playwright ``new_context`` arguments)."""

    name: str
    viewport: ViewportSize
    device_scale_factor: float
    is_mobile: bool = False
    """Mobile emulation: ``<meta name=viewport>`` is obeyed, 980 px layout without it."""
    has_touch: bool = False
    """A touch screen and no mouse: ``hover: none``, ``pointer: coarse``."""


DESKTOP = BrowserDevice("desktop", VIEWPORT, DEVICE_SCALE_FACTOR)
MOBILE = BrowserDevice("mobile", {"width": 390, "height": 844}, 3, is_mobile=True, has_touch=True)
BROWSER_DEVICES = {device.name: device for device in (DESKTOP, MOBILE)}
"""The oracle's devices, by the names ``--device`` uses."""

QUIET_MS = 500
"""The network is quiet when no request started or ended for this long after the load event."""
TIMEOUT_S = 15.0
"""Hard bound on one page: navigation, load event and quiet period together."""
CLOSE_S = 5.0
"""How long closing a page's context may take (it ends its renderer) before it is let go."""


class Initiator(StrEnum):
    """What made the browser fetch a resource, from the CDP initiator and the request's frame."""

    PARSER = "parser"
    """The page's HTML (parser or preload scanner), including inline ``<style>``/``style=``."""
    STYLESHEET = "stylesheet"
    """A stylesheet: ``@import``, ``url()``, ``@font-face``."""
    RENDER = "render"
    """Style and layout of the page with no parser or stylesheet named: images and fonts that
    ``<style>``, ``style=""`` or a first use on screen asked for (CDP type ``other``)."""
    MODULE = "module"
    """A static ``import`` in a JavaScript module (CDP: type ``script``, no stack)."""
    SCRIPT = "script"
    """Running script: ``fetch()``, dynamic ``import()``, DOM insertion."""
    PRELOAD = "preload"
    """A preload the browser made on its own (CDP type ``preload``, e.g. ``Link`` headers)."""
    FRAME = "frame"
    """A nested browsing context (``<iframe>``): its document and everything it loads."""
    OTHER = "other"
    """Anything else the browser chose to do (icons, for one)."""


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One same-origin request the page caused."""

    url: str
    """Root-absolute path with query, as sent (fragment never is)."""
    resource_type: str
    """CDP ``Network.ResourceType``: ``Stylesheet``, ``Script``, ``Image``, ``Font``, ``Other``…"""
    initiator: Initiator
    initiator_url: str
    """Root-absolute URL of the initiating document, or the full URL when off-site; may be empty."""
    status: int
    """HTTP status of the response; 0 when none came (failed or still pending at the end)."""
    mime_type: str = ""
    """The response's MIME type as Chromium took it (``text/css``); empty when none came."""


@dataclass(frozen=True, slots=True)
class PageRecording:
    """Everything one page load did on the network."""

    page_url: str
    """Root-absolute URL of the page."""
    requests: tuple[RecordedRequest, ...]
    """Same-origin requests in the order they started, without the page itself and
    ``/favicon.ico``."""
    blocked: tuple[str, ...]
    """Full URLs of requests to other origins, every one aborted before it left the browser."""
    leaked: tuple[str, ...]
    """Full URLs of other-origin requests that got a response: must always be empty."""
    quiet: bool
    """True when the load event came and then the network went quiet, before the hard
    timeout."""


DESTINATIONS = {
    "Stylesheet": "style",
    "Script": "script",
    "Image": "image",
    "Font": "font",
    "TextTrack": "track",
    "Fetch": "fetch",
    "Document": "document",
}
"""CDP ``Network.ResourceType`` → the Fetch destination it names. ``Other`` (SVG ``<use>``,
icons) and ``Media`` name none."""


class BrowserUnavailable(RuntimeError):
    """Playwright or the Chromium executable is missing or does not start."""


DRIVER_HINT = "pip install 'http2-push-manifest[verify]'"


def require_driver() -> None:
    """Raise :class:`BrowserUnavailable` (with how to install it) when Playwright is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        raise BrowserUnavailable(
            f"the Python browser driver (playwright) is missing: {DRIVER_HINT}"
        ) from error


def require_executable(executable: str) -> None:
    """Raise :class:`BrowserUnavailable` (with how to install it) when ``executable`` is not
    an executable file."""
    if not os.access(executable, os.X_OK):
        raise BrowserUnavailable(
            f"{executable} not found: apt-get install chromium, or pass --browser PATH"
        )


def launch(playwright: Playwright, executable: str = CHROMIUM) -> Browser:
    """Start Chromium at ``executable`` headless with the recorder's flags.

    Raises :class:`BrowserUnavailable` when ``executable`` is missing or fails to start.
    """
    require_executable(executable)
    try:
        return playwright.chromium.launch(
            executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
        )
    except Exception as error:  # Playwright raises its own Error for any launch failure.
        raise BrowserUnavailable(f"{executable} did not start: {error}") from error


async def launch_async(playwright: AsyncPlaywright, executable: str = CHROMIUM) -> AsyncBrowser:
    """:func:`launch` with Playwright's async API."""
    require_executable(executable)
    try:
        return await playwright.chromium.launch(
            executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
        )
    except Exception as error:
        raise BrowserUnavailable(f"{executable} did not start: {error}") from error


_RENDERED = frozenset({"Image", "Font"})


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _classify(event: dict[str, Any], main_frame: str, stylesheets: set[str]) -> Initiator:
    if event.get("frameId") != main_frame:
        return Initiator.FRAME
    initiator = event["initiator"]
    kind = initiator.get("type")
    if kind == "parser":
        source = initiator.get("url", "")
        is_css = source in stylesheets or urlsplit(source).path.endswith(".css")
        return Initiator.STYLESHEET if is_css else Initiator.PARSER
    if kind == "script":
        static_import = not initiator.get("stack") and event.get("type") == "Script"
        return Initiator.MODULE if static_import else Initiator.SCRIPT
    if kind == "preload":
        return Initiator.PRELOAD
    if event.get("type") in _RENDERED:
        return Initiator.RENDER
    return Initiator.OTHER


def _initiator_url(event: dict[str, Any], origin: str) -> str:
    initiator = event["initiator"]
    url = str(initiator.get("url", ""))
    if not url:
        frames = (initiator.get("stack") or {}).get("callFrames") or ()
        url = str(frames[0].get("url", "")) if frames else ""
    return _path(url) if url.startswith(origin + "/") else url


def context_options(device: BrowserDevice) -> dict[str, Any]:
    """Playwright ``new_context`` arguments for a fresh context emulating ``device``."""
    return {
        "viewport": device.viewport,
        "device_scale_factor": device.device_scale_factor,
        "is_mobile": device.is_mobile,
        "has_touch": device.has_touch,
        "service_workers": "block",
    }


def network_setup(origin: str) -> tuple[tuple[str, dict[str, Any] | None], ...]:
    """The CDP calls that prepare a page's session: network events on, the HTTP cache off,
    every URL not on ``origin`` blocked (the first matching pattern decides), and documents
    (frames, navigations: ``setBlockedURLs`` does not stop those) paused for
    :func:`document_verdict`."""
    patterns = [
        {"urlPattern": f"{origin}/*", "block": False},
        {"urlPattern": "*://*:*/*", "block": True},
    ]
    return (
        ("Network.enable", None),
        ("Network.setCacheDisabled", {"cacheDisabled": True}),
        ("Network.setBlockedURLs", {"urlPatterns": patterns}),
        ("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document"}]}),
    )


def document_verdict(event: dict[str, Any], origin: str) -> tuple[str, dict[str, Any]]:
    """The CDP call that answers a paused document request (``Fetch.requestPaused``): go on
    when it is on ``origin``, else fail it as blocked (``Network.loadingFailed`` then says
    ``blockedReason: inspector``, as for the subresources ``setBlockedURLs`` stops)."""
    request_id = event["requestId"]
    if str(event["request"]["url"]).startswith(origin + "/"):
        return "Fetch.continueRequest", {"requestId": request_id}
    return "Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"}


class _Network:
    """The CDP network events of one page load, and when the network last moved."""

    def __init__(self, on_activity: Callable[[], object] | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self.status: dict[str, int] = {}
        self.mime_types: dict[str, str] = {}
        self.blocked: set[str] = set()
        """Request ids that the session's blocking stopped."""
        self.last_activity = time.monotonic()
        self._on_activity = on_activity

    def listen(self, cdp: Any) -> None:
        """Subscribe to ``cdp`` (a sync or async Playwright ``CDPSession``)."""
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._moved)
        cdp.on("Network.loadingFailed", self._failed)

    def _moved(self, _event: object = None) -> None:
        self.last_activity = time.monotonic()
        if self._on_activity is not None:
            self._on_activity()

    def _failed(self, event: dict[str, Any]) -> None:
        if event.get("blockedReason") == "inspector":
            self.blocked.add(event["requestId"])
        self._moved()

    def _sent(self, event: dict[str, Any]) -> None:
        self.sent.append(event)
        self._moved()

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        self.status[event["requestId"]] = int(response["status"])
        self.mime_types[event["requestId"]] = str(response.get("mimeType", ""))
        self._moved()

    def idle_ms(self) -> float:
        return (time.monotonic() - self.last_activity) * 1000

    def recording(self, origin: str, page_url: str, quiet: bool) -> PageRecording:
        """What the page did, from the events collected."""
        sent, status = self.sent, self.status
        # The first document request is the navigation itself: its frame is the main frame.
        main_frame = next((e.get("frameId") for e in sent if e.get("type") == "Document"), None)
        stylesheets = {e["request"]["url"] for e in sent if e.get("type") == "Stylesheet"}
        requests: list[RecordedRequest] = []
        leaked: list[str] = []
        blocked: list[str] = []
        for event in sent:
            url = str(event["request"]["url"])
            # A redirect's next hop comes as another event; the document named the first URL.
            if event.get("redirectResponse") or not url.startswith(("http:", "https:")):
                continue
            if not url.startswith(origin + "/"):
                if event["requestId"] in self.blocked:
                    blocked.append(url)
                elif event["requestId"] in status:
                    leaked.append(url)
                continue
            path = _path(url)
            is_page = event.get("type") == "Document" and event.get("frameId") == main_frame
            if (is_page and path == page_url) or (
                path == "/favicon.ico" and not event["initiator"].get("url")
            ):
                continue
            requests.append(
                RecordedRequest(
                    url=path,
                    resource_type=str(event.get("type", "Other")),
                    initiator=_classify(event, str(main_frame), stylesheets),
                    initiator_url=_initiator_url(event, origin),
                    status=status.get(event["requestId"], 0),
                    mime_type=self.mime_types.get(event["requestId"], ""),
                )
            )
        return PageRecording(page_url, tuple(requests), tuple(blocked), tuple(leaked), quiet)


def record_page(
    browser: Browser,
    origin: str,
    page_url: str,
    *,
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
    device: BrowserDevice = DESKTOP,
) -> PageRecording:
    """Load ``origin + page_url`` in a fresh context emulating ``device`` and record the
    requests it causes (Playwright's sync API; :func:`record_page_async` is the same with the
    async one, which ``verify`` uses to load several pages at once).

    Waits for the load event, then until no request has started or ended for ``quiet_ms``, or
    until ``timeout_s`` has passed since navigation started (then ``quiet`` is False): a fetch
    that never finishes cannot hang the run, unlike Playwright's ``networkidle``, and neither can
    a subresource that holds the load event back.
    """
    from playwright.sync_api import TimeoutError as NavigationTimeout

    deadline = time.monotonic() + timeout_s
    context = browser.new_context(**context_options(device))
    network = _Network()
    try:
        page = context.new_page()
        cdp: CDPSession = context.new_cdp_session(page)
        network.listen(cdp)

        def answer(event: dict[str, Any]) -> None:
            with contextlib.suppress(Exception):  # the page may be gone meanwhile
                cdp.send(*document_verdict(event, origin))

        cdp.on("Fetch.requestPaused", answer)
        for method, params in network_setup(origin):
            cdp.send(method, params)
        try:
            page.goto(
                origin + page_url,
                wait_until="load",
                timeout=max(deadline - time.monotonic(), 0.1) * 1000,
            )
        except NavigationTimeout:
            deadline = 0.0  # no load event: report what was fetched, as not quiet
        quiet = False
        while time.monotonic() < deadline:
            idle = network.idle_ms()
            if idle >= quiet_ms:
                quiet = True
                break
            page.wait_for_timeout(min(100.0, quiet_ms - idle + 10))
    finally:
        context.close()
    return network.recording(origin, page_url, quiet)


RESPONSIVE_MS = 50
"""A script round trip to the page slower than this means the machine is too busy for a quiet
network to mean much: a starved browser fetches late (the favicon, for one)."""
SLOW_RESTARTS = 2
"""How many times a slow round trip at the end of the quiet period starts it again."""


async def _responsive(page: AsyncPage, left: float) -> bool:
    """Whether the page's renderer and the browser answer a script promptly."""
    started = time.monotonic()
    try:
        await asyncio.wait_for(page.evaluate("0"), left)
    except Exception:  # a hung or closed page: not responsive
        return False
    return (time.monotonic() - started) * 1000 <= RESPONSIVE_MS


async def record_page_async(
    browser: AsyncBrowser,
    origin: str,
    page_url: str,
    *,
    quiet_ms: int = QUIET_MS,
    timeout_s: float = TIMEOUT_S,
    device: BrowserDevice = DESKTOP,
) -> PageRecording:
    """:func:`record_page` with Playwright's async API, so that one process and one browser
    load several pages at once. The quiet period is waited for on the network events
    themselves (each one restarts it), not by polling the page; at its end one script round
    trip checks that the browser was not starved of CPU meanwhile, and if it was (slower than
    :data:`RESPONSIVE_MS`), the period starts again, at most :data:`SLOW_RESTARTS` times."""
    from playwright.async_api import TimeoutError as NavigationTimeout

    deadline = time.monotonic() + timeout_s
    context = await browser.new_context(**context_options(device))
    moved = asyncio.Event()
    network = _Network(on_activity=moved.set)
    try:
        page = await context.new_page()
        cdp: AsyncCDPSession = await context.new_cdp_session(page)
        network.listen(cdp)

        async def answer(event: dict[str, Any]) -> None:
            with contextlib.suppress(Exception):  # the page may be gone meanwhile
                await cdp.send(*document_verdict(event, origin))

        cdp.on("Fetch.requestPaused", answer)
        for method, params in network_setup(origin):
            await cdp.send(method, params)
        try:
            await page.goto(
                origin + page_url,
                wait_until="load",
                timeout=max(deadline - time.monotonic(), 0.1) * 1000,
            )
        except NavigationTimeout:
            deadline = 0.0
        quiet, restarts = False, 0
        while (left := deadline - time.monotonic()) > 0:
            wait_ms = quiet_ms - network.idle_ms()
            if wait_ms <= 0:
                if restarts == SLOW_RESTARTS or await _responsive(page, left):
                    quiet = True
                    break
                restarts += 1
                network.last_activity = time.monotonic()
                continue
            moved.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(moved.wait(), min(wait_ms / 1000, left))
    finally:
        # Bounded: a wedged browser must not keep a cancelled recording from ending.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(context.close(), CLOSE_S)
    return network.recording(origin, page_url, quiet)
