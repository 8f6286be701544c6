"""Known disagreements between Chromium and the manifest that we choose not to model.

Each entry is ``(site, page, url) → reason``; the reason is printed with the table. An entry
that excuses nothing fails its page (it is stale: delete it).
"""

from __future__ import annotations

ALLOW: dict[tuple[str, str, str], str] = {}
