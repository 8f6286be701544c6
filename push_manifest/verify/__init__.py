"""Check a manifest against what headless Chromium fetches: ``http2-push-manifest verify``.

Nothing here imports Playwright at import time; it is imported when pages are loaded (the
optional ``verify`` extra: ``pip install 'http2-push-manifest[verify]'``).
"""

from __future__ import annotations

from push_manifest.verify.compare import Entry, Outcome, PageReport, compare_page
from push_manifest.verify.observe import observed_entry, observed_manifest
from push_manifest.verify.recorder import (
    BROWSER_DEVICES,
    BrowserUnavailable,
    Initiator,
    PageRecording,
    RecordedRequest,
)
from push_manifest.verify.report import render_json, render_table, to_json
from push_manifest.verify.run import VerifyResult, manifest_listing, read_listing, verify

__all__ = [
    "BROWSER_DEVICES",
    "BrowserUnavailable",
    "Entry",
    "Initiator",
    "Outcome",
    "PageRecording",
    "PageReport",
    "RecordedRequest",
    "VerifyResult",
    "compare_page",
    "manifest_listing",
    "observed_entry",
    "observed_manifest",
    "read_listing",
    "render_json",
    "render_table",
    "to_json",
    "verify",
]
