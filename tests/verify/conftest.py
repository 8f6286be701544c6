"""A small site with known differences between Chromium and a hand-written manifest."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from push_manifest.verify.recorder import CHROMIUM

PAGE = """<!doctype html>
<html><head>
<link rel="stylesheet" href="/css/app.css">
<script>
  const late = document.createElement("link");
  late.rel = "stylesheet";
  late.href = "/css/late.css";
  document.head.append(late);
</script>
</head><body>
<img src="/img/logo.png" alt="">
<img src="http://example.com/tracker.png" alt="">
</body></html>
"""

SIMPLE = """<!doctype html>
<html><head><link rel="stylesheet" href="/css/app.css"></head><body></body></html>
"""

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def needs_browser() -> None:
    """Skip (fail in CI) when Playwright or Chromium is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Python playwright is missing: pip install -e '.[verify]'"
    else:
        if os.access(CHROMIUM, os.X_OK):
            return
        reason = f"{CHROMIUM} is missing"
    if os.environ.get("CI"):
        pytest.fail(f"verify tests need Chromium in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """``index.html`` (a stylesheet, an image, a script-inserted stylesheet, an image on
    another origin) and ``simple.html`` (one stylesheet), under ``tmp_path/site``."""
    root = tmp_path / "site"
    (root / "css").mkdir(parents=True)
    (root / "img").mkdir()
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "simple.html").write_text(SIMPLE, encoding="utf-8")
    (root / "css" / "app.css").write_text("body { color: navy }\n", encoding="utf-8")
    (root / "css" / "late.css").write_text("p { color: red }\n", encoding="utf-8")
    (root / "img" / "logo.png").write_bytes(PNG)
    return root


@pytest.fixture
def hand_manifest(site: Path) -> Path:
    """A manifest that forgets the image of ``index.html`` and lists a file nothing loads."""
    path = site.parent / "hand.json"
    data = {
        "index.html": {
            "/css/app.css": {"type": "style", "weight": 256},
            "/img/ghost.png": {"type": "image", "weight": 128},
        },
        "simple.html": {"/css/app.css": {"type": "style", "weight": 256}},
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
