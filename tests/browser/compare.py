"""Compare what Chromium fetched for a page with what the manifest lists for it.

Recall: every request that the page's HTML, a stylesheet or a static module import initiated
(``REQUIRED``) is in the manifest. Precision: every manifest entry was requested by the
browser, whatever initiated it. Where both sides have a URL, the manifest ``type`` must be the
fetch destination the browser used (checked only for resource types that name one).
Disagreements listed in the allow-list are reported but do not fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from push_manifest.verify.compare import STATIC, first_fetches
from push_manifest.verify.recorder import DESTINATIONS

from .chromium import PageRecording, RecordedRequest

if TYPE_CHECKING:
    from push_manifest.model import Resource

REQUIRED = STATIC
"""Initiators whose requests the manifest must list: the page's HTML, its CSS, static module
imports, and what its frames load during the page's load (SPEC §3). Running script
(``fetch()``, dynamic ``import()``) and the browser's own choices (icons) are not the
markup's, and need not be listed."""

AllowList = Mapping[tuple[str, str, str], str]
"""``(site, page, url) → reason``: a disagreement we know about and choose not to model."""


class Verdict(StrEnum):
    AGREE = "ok"
    MISSING = "MISSING"
    """The browser fetched it (a required initiator); the manifest lacks it. Hurts recall."""
    EXTRA = "EXTRA"
    """The manifest lists it; the browser never fetched it. Hurts precision."""
    TYPE = "TYPE"
    """Both have it, with different destinations."""
    UNMODELLED = "-"
    """Fetched for a reason the manifest does not model (running script, a frame, other)."""


_QUIET_VERDICTS = frozenset({Verdict.AGREE, Verdict.UNMODELLED})


@dataclass(frozen=True, slots=True)
class Row:
    url: str
    verdict: Verdict
    browser: RecordedRequest | None
    listed: str | None
    """The manifest ``type`` (``""`` is a valid one), None when the manifest lacks the URL."""
    allowed: str = ""
    """The allow-list reason that excuses this row's disagreement."""

    @property
    def failed(self) -> bool:
        return self.verdict in (Verdict.MISSING, Verdict.EXTRA, Verdict.TYPE) and not self.allowed


@dataclass(frozen=True, slots=True)
class PageComparison:
    site: str
    page: str
    rows: tuple[Row, ...]
    quiet: bool
    stale: tuple[str, ...] = ()
    """Allow-list URLs for this page that excused nothing: the crawler or browser changed."""
    blocked: tuple[str, ...] = ()
    """Other-origin URLs the recorder aborted."""
    leaked: tuple[str, ...] = ()
    """Other-origin URLs that got a response anyway: a broken recorder."""

    @property
    def failures(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.failed)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.stale and not self.leaked and self.quiet

    @property
    def recall(self) -> tuple[int, int]:
        """(required browser requests the manifest lists, required browser requests)."""
        required = [r for r in self.rows if r.browser and r.browser.initiator in REQUIRED]
        return sum(r.listed is not None for r in required), len(required)

    @property
    def precision(self) -> tuple[int, int]:
        """(manifest entries the browser requested, manifest entries)."""
        listed = [r for r in self.rows if r.listed is not None]
        return sum(r.browser is not None for r in listed), len(listed)

    def table(self, *, all_rows: bool = True) -> str:
        """A plain-text report: a header with recall and precision, one line per URL (only the
        disagreements unless ``all_rows``), then the allow-list reasons that applied."""

        def ratio(pair: tuple[int, int]) -> str:
            found, total = pair
            percent = f"{100 * found / total:.0f}%" if total else "n/a"
            return f"{found}/{total} ({percent})"

        quiet = "" if self.quiet else "  [network never went quiet: hard timeout]"
        lines = [
            f"{self.site}/{self.page}  recall {ratio(self.recall)}  "
            f"precision {ratio(self.precision)}{quiet}"
        ]
        shown = [r for r in self.rows if all_rows or r.verdict not in _QUIET_VERDICTS]
        width = max([len(r.url) for r in shown] + [3])
        if shown:
            lines.append(
                f"  {'verdict':8} {'url':{width}}  {'browser (type, initiator, from)':48} manifest"
            )
        reasons: list[str] = []
        for row in shown:
            seen = "-"
            if row.browser:
                b = row.browser
                seen = f"{b.resource_type} {b.initiator} {b.initiator_url}".strip()
                if b.status != 200:
                    seen += f" [{b.status or 'no response'}]"
            listed = "-" if row.listed is None else (row.listed or '""')
            verdict, note = str(row.verdict), ""
            if row.allowed:
                if row.allowed not in reasons:
                    reasons.append(row.allowed)
                verdict, note = "allowed", f"  [{reasons.index(row.allowed) + 1}]"
            lines.append(f"  {verdict:8} {row.url:{width}}  {seen:48} {listed}{note}")
        lines.extend(f"  [{n}] {reason}" for n, reason in enumerate(reasons, 1))
        lines.extend(f"  STALE allow-list entry (excused nothing): {url}" for url in self.stale)
        if self.blocked:
            lines.append(f"  blocked (other origins): {' '.join(self.blocked)}")
        lines.extend(f"  LEAKED (other origin answered): {url}" for url in self.leaked)
        return "\n".join(lines)


def compare(
    recording: PageRecording,
    resources: Iterable[Resource],
    *,
    site: str,
    page: str,
    allow: AllowList = {},  # noqa: B006 - read only
) -> PageComparison:
    """Compare one page's recording with its manifest entries; ``page`` is the manifest key."""
    fetched = first_fetches(recording.requests)
    listed = {resource.url: str(resource.type) for resource in resources}
    allowed_here = {url: reason for (s, p, url), reason in allow.items() if (s, p) == (site, page)}

    rows: list[Row] = []
    for url in [*fetched, *(u for u in listed if u not in fetched)]:
        seen, kind = fetched.get(url), listed.get(url)
        if seen is None:
            verdict = Verdict.EXTRA
        elif kind is None:
            verdict = Verdict.MISSING if seen.initiator in REQUIRED else Verdict.UNMODELLED
        elif DESTINATIONS.get(seen.resource_type, kind) != kind:
            verdict = Verdict.TYPE
        else:
            verdict = Verdict.AGREE
        disagrees = verdict in (Verdict.MISSING, Verdict.EXTRA, Verdict.TYPE)
        reason = allowed_here.get(url, "") if disagrees else ""
        rows.append(Row(url, verdict, seen, kind, reason))
    used = {row.url for row in rows if row.allowed}
    stale = tuple(url for url in allowed_here if url not in used)
    return PageComparison(
        site, page, tuple(rows), recording.quiet, stale, recording.blocked, recording.leaked
    )
