"""The oracle: for every page of every ``fixtures/browser-*`` site, Chromium and the manifest
agree, except where the allow-list says why not."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from push_manifest.model import Resource

from .allowlist import ALLOW
from .chromium import PageRecording
from .compare import compare
from .oracle import FIXTURES, SITES, crawl, site_pages

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


def test_allow_list_names_existing_fixture_pages_with_reasons() -> None:
    for (site, page, url), reason in ALLOW.items():
        assert (FIXTURES / site / page).is_file(), (site, page)
        assert url.startswith("/"), url
        assert len(reason) > 20, reason
