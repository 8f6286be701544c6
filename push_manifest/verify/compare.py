"""Compare what the browser fetched for a page with what its manifest lists: pure functions.

Every URL of a page falls in one class:

- ``listed``: fetched and listed (agreement);
- ``missed``: fetched because of the page's HTML, a stylesheet, a static module import, the
  first render, a preload or a frame, and not listed: static analysis should have found it;
- ``script``: fetched because running script asked (``fetch()``, ``import()``, a script-
  inserted element) and not listed: only running the page reveals it;
- ``other``: fetched for the browser's own reasons (icons), not listed; never counted;
- ``extra``: listed but never fetched.

Recall is listed / (listed-and-fetched-statically + missed): of what static analysis could
find, how much the manifest lists. Script-inserted requests are reported apart, not counted
in recall (``--observe`` lists them). Precision is fetched-and-listed / listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from push_manifest.model import Resource
from push_manifest.verify.recorder import Initiator, PageRecording, RecordedRequest

STATIC = frozenset(
    {
        Initiator.PARSER,
        Initiator.STYLESHEET,
        Initiator.RENDER,
        Initiator.PRELOAD,
        Initiator.MODULE,
        Initiator.FRAME,
    }
)
"""Initiators static analysis can follow: a request of theirs the manifest lacks is our miss."""


class Outcome(StrEnum):
    LISTED = "listed"
    MISSED = "missed"
    SCRIPT = "script"
    OTHER = "other"
    EXTRA = "extra"


@dataclass(frozen=True, slots=True)
class Entry:
    """One URL of one page and what became of it."""

    url: str
    outcome: Outcome
    initiator: str = ""
    """What made the browser fetch it (an :class:`Initiator` value), empty when it did not."""
    initiator_url: str = ""
    reason: str = ""
    """Why the manifest lists it (the construct and the referring document), empty if not."""
    status: int = 0
    """The HTTP status the browser got; 0 when it did not fetch it or got no response."""


@dataclass(frozen=True, slots=True)
class PageReport:
    """One page: its entries, or the error that kept it from loading."""

    page: str
    """The manifest key (``blog/post.html``)."""
    url: str
    entries: tuple[Entry, ...] = ()
    blocked: tuple[str, ...] = ()
    """Requests to other origins, aborted before they left the browser."""
    quiet: bool = True
    """False when the network never went quiet before the page's timeout."""
    error: str = ""
    """Why the page could not be measured (a crash, a timeout without a load): no entries."""

    @property
    def counts(self) -> dict[Outcome, int]:
        """How many entries have each outcome."""
        return {outcome: sum(e.outcome is outcome for e in self.entries) for outcome in Outcome}

    def of(self, outcome: Outcome) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if entry.outcome is outcome)

    @property
    def recall(self) -> tuple[int, int]:
        """(statically fetched URLs the manifest lists, statically fetched URLs)."""
        found = sum(
            e.outcome is Outcome.LISTED and Initiator(e.initiator) in STATIC for e in self.entries
        )
        return found, found + self.counts[Outcome.MISSED]

    @property
    def precision(self) -> tuple[int, int]:
        """(listed URLs the browser fetched, listed URLs)."""
        listed = self.counts[Outcome.LISTED]
        return listed, listed + self.counts[Outcome.EXTRA]


def ratio(pair: tuple[int, int]) -> float | None:
    """``found / total``; None when there is nothing to count."""
    found, total = pair
    return found / total if total else None


def total(pairs: Iterable[tuple[int, int]]) -> tuple[int, int]:
    found = counted = 0
    for a, b in pairs:
        found, counted = found + a, counted + b
    return found, counted


def explanation(resource: Resource, page_url: str) -> str:
    """Why ``resource`` is listed, as ``--verbose`` says it (:meth:`Resource.explanation`)."""
    return resource.explanation(page_url)


def first_fetches(requests: Sequence[RecordedRequest]) -> dict[str, RecordedRequest]:
    """One request per URL: the first, unless a later one had a static initiator."""
    fetched: dict[str, RecordedRequest] = {}
    for request in requests:
        first = fetched.get(request.url)
        if first is None or (first.initiator not in STATIC and request.initiator in STATIC):
            fetched[request.url] = request
    return fetched


def listing(resources: Iterable[Resource], page_url: str) -> dict[str, str]:
    """A page's manifest entries as ``url → why it is listed``."""
    return {resource.url: explanation(resource, page_url) for resource in resources}


def compare_page(
    page: str, page_url: str, recording: PageRecording, listed: Mapping[str, str]
) -> PageReport:
    """Classify every URL the browser fetched for ``page`` or its manifest lists
    (``url → why it is listed``, see :func:`listing`)."""
    fetched = first_fetches(recording.requests)
    entries: list[Entry] = []
    for url, request in fetched.items():
        reason = listed.get(url)
        if reason is not None:
            outcome = Outcome.LISTED
        elif request.initiator in STATIC:
            outcome = Outcome.MISSED
        elif request.initiator is Initiator.SCRIPT:
            outcome = Outcome.SCRIPT
        else:
            outcome = Outcome.OTHER
        entries.append(
            Entry(
                url,
                outcome,
                str(request.initiator),
                request.initiator_url,
                reason or "",
                request.status,
            )
        )
    entries.extend(
        Entry(url, Outcome.EXTRA, reason=reason)
        for url, reason in listed.items()
        if url not in fetched
    )
    return PageReport(page, page_url, tuple(entries), recording.blocked, recording.quiet)
