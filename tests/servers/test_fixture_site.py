"""The hand-written manifest of fixtures/servers-site matches the site."""

from __future__ import annotations

from .site import MANIFEST, SITE


def test_every_entry_is_a_file_of_the_site() -> None:
    for page in MANIFEST.pages:
        assert (SITE / page.key).is_file()
        for resource in page.resources:
            assert (SITE / resource.url.lstrip("/")).is_file(), resource.url
