"""A missing browser: a skip on a developer's machine, a failure in CI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import chromium
from .conftest import unavailable


def test_launch_names_the_missing_executable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(chromium, "CHROMIUM", str(tmp_path / "no-chromium"))
    playwright: Any = None  # never reached: the executable check comes first
    with pytest.raises(chromium.BrowserUnavailable, match="no-chromium not found"):
        chromium.launch(playwright)


def test_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="need Chromium in CI: gone"):
        unavailable("gone")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="gone"):
        unavailable("gone")
