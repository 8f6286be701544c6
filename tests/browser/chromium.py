"""The recorder of the browser tests: :mod:`push_manifest.verify.recorder`, re-exported, so
the tests and ``http2-push-manifest verify`` measure with one recorder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from push_manifest.verify import recorder
from push_manifest.verify.recorder import (
    BROWSER_DEVICES,
    CHROMIUM_ARGS,
    DESKTOP,
    DEVICE_SCALE_FACTOR,
    MOBILE,
    PLAYWRIGHT_DISABLED_FEATURES,
    QUIET_MS,
    TIMEOUT_S,
    UNUSED_BROWSER_FEATURES,
    VIEWPORT,
    BrowserDevice,
    BrowserUnavailable,
    Initiator,
    PageRecording,
    RecordedRequest,
    record_page,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM = recorder.CHROMIUM
"""The executable :func:`launch` starts (a test may point it elsewhere)."""


def launch(playwright: Playwright) -> Browser:
    """:func:`push_manifest.verify.recorder.launch` with this module's :data:`CHROMIUM`."""
    return recorder.launch(playwright, CHROMIUM)


__all__ = [
    "BROWSER_DEVICES",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DESKTOP",
    "DEVICE_SCALE_FACTOR",
    "MOBILE",
    "PLAYWRIGHT_DISABLED_FEATURES",
    "QUIET_MS",
    "TIMEOUT_S",
    "UNUSED_BROWSER_FEATURES",
    "VIEWPORT",
    "BrowserDevice",
    "BrowserUnavailable",
    "Initiator",
    "PageRecording",
    "RecordedRequest",
    "launch",
    "record_page",
]
