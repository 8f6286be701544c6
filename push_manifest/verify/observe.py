"""``verify --observe``: the static manifest plus what the browser fetched during load that it
lacks, each such entry typed from the browser's request and weighed as the static manifest
weighs its kind (SPEC §5, :class:`~push_manifest.priority.Weight`).

Type: the request's CDP resource type (:data:`RESOURCE_TYPES`); when that names no
destination (``Other``, ``Media``, ``Prefetch``), the response's MIME type
(:data:`MIME_TYPES`); else untyped.

Weight: :data:`WEIGHTS` by type, the static row for that kind of resource found where running
script finds it (a script-inserted script is async, so ``DEFERRED_SCRIPT``; a stylesheet added
after parsing blocks no parsing, so ``BODY_STYLESHEET``; an image a stylesheet asked for is a
``CSS_IMAGE``), then capped by the weight of the document that made the request when the
manifest lists it, as deeper discovery never raises a weight (:func:`~push_manifest.priority.cap`).
With ``--uniform-weights``, 1.
"""

from __future__ import annotations

from collections.abc import Mapping

from push_manifest.model import Destination, Manifest
from push_manifest.priority import Weight, cap
from push_manifest.verify.compare import Outcome, first_fetches
from push_manifest.verify.recorder import DESTINATIONS, Initiator, RecordedRequest
from push_manifest.verify.run import VerifyResult
from push_manifest.writers.json import page_object

RESOURCE_TYPES: Mapping[str, Destination] = {
    **{kind: Destination(destination) for kind, destination in DESTINATIONS.items()},
    "XHR": Destination.FETCH,
}
"""CDP ``Network.ResourceType`` → destination, where the type names one."""

MIME_TYPES: tuple[tuple[str, Destination], ...] = (
    ("text/css", Destination.STYLE),
    ("text/javascript", Destination.SCRIPT),
    ("application/javascript", Destination.SCRIPT),
    ("application/x-javascript", Destination.SCRIPT),
    ("text/vtt", Destination.TRACK),
    ("image/", Destination.IMAGE),
    ("font/", Destination.FONT),
    ("application/font-", Destination.FONT),
    ("audio/", Destination.AUDIO),
    ("video/", Destination.VIDEO),
)
"""MIME type (or its prefix) → destination, for a request whose CDP type names none."""

WEIGHTS: Mapping[Destination, int] = {
    Destination.STYLE: Weight.BODY_STYLESHEET,
    Destination.FONT: Weight.FONT,
    Destination.SCRIPT: Weight.DEFERRED_SCRIPT,
    Destination.FETCH: Weight.DEFERRED_SCRIPT,
    Destination.WORKER: Weight.DEFERRED_SCRIPT,
    Destination.IMAGE: Weight.IMAGE,
    Destination.TRACK: Weight.TRACK,
    Destination.DOCUMENT: Weight.EMBEDDED,
    Destination.AUDIO: Weight.EMBEDDED,
    Destination.VIDEO: Weight.EMBEDDED,
}
"""An observed entry's weight by type, before the cap; untyped entries weigh 1."""

_CORS = frozenset({Destination.FONT, Destination.FETCH})
"""Fetched in CORS mode: their preload needs ``crossorigin`` (as the static entries have it)."""


def observed_type(request: RecordedRequest) -> Destination:
    """The destination of what the browser fetched: from its resource type, else its MIME."""
    destination = RESOURCE_TYPES.get(request.resource_type)
    if destination is not None:
        return destination
    mime = request.mime_type.split(";")[0].strip().lower()
    for prefix, by_mime in MIME_TYPES:
        if mime.startswith(prefix):
            return by_mime
    return Destination.EMPTY


def observed_weight(request: RecordedRequest, destination: Destination) -> int:
    """The weight of ``request`` of type ``destination`` on its own (before the cap)."""
    if destination is Destination.IMAGE and request.initiator in (
        Initiator.STYLESHEET,
        Initiator.RENDER,
    ):
        return Weight.CSS_IMAGE
    return WEIGHTS.get(destination, 1)


def observed_entry(
    request: RecordedRequest, listed: Mapping[str, Mapping[str, object]], *, uniform: bool = False
) -> dict[str, object]:
    """The manifest entry of an observed request, given the page's entries so far (``url →
    entry``, for the cap): ``{type, weight[, crossorigin], observed: true}``."""
    destination = observed_type(request)
    weight = observed_weight(request, destination)
    parent = listed.get(request.initiator_url, {}).get("weight")
    if isinstance(parent, int):
        weight = cap(weight, parent)
    entry: dict[str, object] = {"type": str(destination), "weight": 1 if uniform else weight}
    if destination in _CORS:
        entry["crossorigin"] = "anonymous"
    entry["observed"] = True
    return entry


def observed_manifest(
    manifest: Manifest, result: VerifyResult, base: object = None, *, uniform_weights: bool = False
) -> dict[str, dict[str, dict[str, object]]]:
    """A multi-page JSON manifest: ``base`` (a manifest file's JSON) or else ``manifest``'s
    entries, then per page every URL the browser fetched during load that they lack (our miss
    or script-inserted), in fetch order, as :func:`observed_entry` makes it."""
    pages: dict[str, dict[str, dict[str, object]]] = {
        page.key: {url: dict(entry) for url, entry in page_object(page).items()}
        for page in manifest.pages
    }
    if isinstance(base, dict):
        single = len(pages) == 1 and all(isinstance(v, dict) and "type" in v for v in base.values())
        if single:
            pages = {next(iter(pages)): dict(base)}
        else:
            pages = {key: dict(base.get(key) or {}) for key in pages}
    for report in result.pages:
        entries = pages.setdefault(report.page, {})
        recording = result.recordings.get(report.page)
        requests = first_fetches(recording.requests) if recording else {}
        for entry in report.entries:
            if entry.outcome not in (Outcome.MISSED, Outcome.SCRIPT) or entry.url in entries:
                continue
            request = requests.get(entry.url)
            if request is not None:
                entries[entry.url] = observed_entry(request, entries, uniform=uniform_weights)
    return pages
