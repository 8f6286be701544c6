"""The oracle: for every page of every ``fixtures/browser-*`` site, Chromium and the manifest
agree, except where the allow-list says why not."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from push_manifest.model import Resource

from .allowlist import ALLOW
from .chromium import PageRecording
from .compare import compare
from .oracle import FIXTURES, SITES, crawl, record, site_pages

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CASES = [
    pytest.param(site, page, id=f"{site}/{page}")
    for site in SITES
    for page in site_pages(FIXTURES / site)
]


@pytest.fixture(scope="session")
def manifests() -> Callable[[str], dict[str, tuple[Resource, ...]]]:
    """``manifests(site)``: page key → resources, all pages of the site crawled together."""
    cache: dict[str, dict[str, tuple[Resource, ...]]] = {}

    def get(site: str) -> dict[str, tuple[Resource, ...]]:
        if site not in cache:
            manifest = crawl(FIXTURES / site, site_pages(FIXTURES / site))
            cache[site] = {page.key: page.resources for page in manifest.pages}
        return cache[site]

    return get


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("site", "page"), CASES)
def test_manifest_matches_what_chromium_fetches(
    site: str,
    page: str,
    recordings: Callable[[str], dict[str, PageRecording]],
    manifests: Callable[[str], dict[str, tuple[Resource, ...]]],
) -> None:
    comparison = compare(
        recordings(site)[page], manifests(site)[page], site=site, page=page, allow=ALLOW
    )
    if not comparison.ok:
        pytest.fail("\n" + comparison.table(), pytrace=False)


NOT_ON_MOBILE: dict[str, str] = {}
"""Sites left out of the phone comparison, with the reason (the allow-list cannot say it:
its entries hold on every device). None since the cascade is modelled (issue 17)."""

DEVICE_CASES = [
    pytest.param(site, page, "mobile", id=f"mobile/{site}/{page}")
    for site in SITES
    if site not in NOT_ON_MOBILE
    for page in site_pages(FIXTURES / site)
]
"""Every fixture page again with ``--device mobile`` against Chromium emulating a phone
(desktop is the test above)."""


@pytest.fixture(scope="session")
def device_runs(
    browser: Browser,
) -> Callable[[str, str], tuple[dict[str, PageRecording], dict[str, tuple[Resource, ...]]]]:
    """``device_runs(site, device)``: Chromium's recordings and the manifest, on that device."""
    cache: dict[tuple[str, str], Any] = {}

    def get(
        site: str, device: str
    ) -> tuple[dict[str, PageRecording], dict[str, tuple[Resource, ...]]]:
        if (site, device) not in cache:
            pages = site_pages(FIXTURES / site)
            manifest = crawl(FIXTURES / site, pages, device=device)
            recorded = record(browser, FIXTURES / site, pages, device=device)
            cache[site, device] = (recorded, {p.key: p.resources for p in manifest.pages})
        result: tuple[dict[str, PageRecording], dict[str, tuple[Resource, ...]]]
        result = cache[site, device]
        return result

    return get


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("site", "page", "device"), DEVICE_CASES)
def test_manifest_matches_what_chromium_fetches_on_each_device(
    site: str,
    page: str,
    device: str,
    device_runs: Callable[
        [str, str], tuple[dict[str, PageRecording], dict[str, tuple[Resource, ...]]]
    ],
) -> None:
    """``--device desktop|mobile`` against Chromium emulating that device (mobile: 390x844 at
    DPR 3, touch, mobile viewport rules)."""
    recorded, listed = device_runs(site, device)
    comparison = compare(recorded[page], listed[page], site=site, page=page, allow=ALLOW)
    if not comparison.ok:
        pytest.fail(f"\n[{device}]\n" + comparison.table(), pytrace=False)


def test_allow_list_names_existing_fixture_pages_with_reasons() -> None:
    for (site, page, url), reason in ALLOW.items():
        assert (FIXTURES / site / page).is_file(), (site, page)
        assert url.startswith("/"), url
        assert len(reason) > 20, reason
