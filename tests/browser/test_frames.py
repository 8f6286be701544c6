"""Recall inside frames: the oracle's comparison leaves frame-initiated requests out
(``compare.REQUIRED``); on ``fixtures/browser-frames`` they are checked both ways here."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from push_manifest import build_manifest

from .chromium import Initiator, PageRecording
from .oracle import FIXTURES


@pytest.mark.slow
@pytest.mark.browser
def test_everything_chromium_loads_in_the_frames_is_listed(
    recordings: Callable[[str], dict[str, PageRecording]],
) -> None:
    site = FIXTURES / "browser-frames"
    recording = recordings("browser-frames")["index.html"]
    fetched = {r.url for r in recording.requests if r.initiator is not Initiator.OTHER}
    assert any(r.initiator is Initiator.FRAME for r in recording.requests)
    manifest = build_manifest([site / "index.html"], root=site, cache=False)
    assert {r.url for r in manifest.pages[0].resources} == fetched
