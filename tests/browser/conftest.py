"""Session fixtures for the browser suite: one Chromium for the whole run, recordings cached
per fixture site.

Without Playwright or ``/usr/bin/chromium`` the browser tests are skipped on a developer's
machine and fail in CI (the ``CI`` environment variable is set), where a missing browser is a
broken setup, not an optional extra.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

from .chromium import BrowserUnavailable, PageRecording, launch
from .oracle import FIXTURES, record, site_pages

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests need Chromium in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Python playwright is missing: pip install -e '.[browser]'")
    with sync_playwright() as playwright:
        try:
            chromium = launch(playwright)
        except BrowserUnavailable as error:
            unavailable(str(error))
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def recordings(browser: Browser) -> Callable[[str], dict[str, PageRecording]]:
    """``recordings(site)``: every page of ``fixtures/<site>`` as Chromium loaded it, once."""
    cache: dict[str, dict[str, PageRecording]] = {}

    def get(site: str) -> dict[str, PageRecording]:
        if site not in cache:
            cache[site] = record(browser, FIXTURES / site, site_pages(FIXTURES / site))
        return cache[site]

    return get
