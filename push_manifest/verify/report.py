"""Render a :class:`VerifyResult`: pure functions from the result to text."""

from __future__ import annotations

import json
from collections.abc import Iterator

from push_manifest.verify.compare import Outcome, PageReport, ratio
from push_manifest.verify.run import VerifyResult

_SECTIONS = (
    (Outcome.MISSED, "missed (static analysis should find these)"),
    (Outcome.SCRIPT, "script-inserted (only running scripts reveal these)"),
    (Outcome.EXTRA, "extra (listed, never fetched)"),
)


def _percent(pair: tuple[int, int]) -> str:
    value = ratio(pair)
    return f"{pair[0]}/{pair[1]} ({'n/a' if value is None else f'{100 * value:.0f}%'})"


def _badness(page: PageReport) -> tuple[int, float, float, str]:
    recall, precision = ratio(page.recall), ratio(page.precision)
    return (
        0 if page.error else 1,
        1.0 if recall is None else recall,
        1.0 if precision is None else precision,
        page.page,
    )


def table_lines(result: VerifyResult, *, all_pages: bool = False) -> Iterator[str]:
    """A readable report, worst pages first: per page its recall and precision and every URL
    where the browser and the manifest disagree (with why the manifest lists an extra one);
    pages in full agreement only as a count unless ``all_pages``. Ends with the totals."""
    agreeing = 0
    for page in sorted(result.pages, key=_badness):
        if page.error:
            yield f"{page.page}: FAILED: {page.error}"
            yield ""
            continue
        problems = [page.of(outcome) for outcome, _ in _SECTIONS]
        if not any(problems) and not page.blocked and page.quiet and not all_pages:
            agreeing += 1
            continue
        timeout = "  [network never went quiet: timed out]" if not page.quiet else ""
        yield (
            f"{page.page}: recall {_percent(page.recall)}  precision "
            f"{_percent(page.precision)}  fetched and listed {page.counts[Outcome.LISTED]}"
            f"{timeout}"
        )
        for (outcome, title), entries in zip(_SECTIONS, problems, strict=True):
            if not entries:
                continue
            yield f"  {title}:"
            for entry in entries:
                if outcome is Outcome.EXTRA:
                    yield f"    {entry.url}  ({entry.reason})"
                else:
                    origin = f" from {entry.initiator_url}" if entry.initiator_url else ""
                    yield f"    {entry.url}  ({entry.initiator}{origin})"
        if page.blocked:
            yield "  blocked (other origins, aborted):"
            yield from (f"    {url}" for url in page.blocked)
        yield ""
    if agreeing:
        yield f"{agreeing} page(s) agree with the browser in full"
    failed = f", {len(result.failed)} page(s) failed" if result.failed else ""
    yield (
        f"total: {len(result.pages)} page(s){failed}; recall {_percent(result.recall)}, "
        f"precision {_percent(result.precision)}"
    )


def render_table(result: VerifyResult, *, all_pages: bool = False) -> str:
    return "".join(line + "\n" for line in table_lines(result, all_pages=all_pages))


def to_json(result: VerifyResult) -> dict[str, object]:
    """The machine-readable report: totals, then every page with every URL and its outcome."""

    def pair(value: tuple[int, int]) -> dict[str, object]:
        return {"found": value[0], "total": value[1], "ratio": ratio(value)}

    return {
        "recall": pair(result.recall),
        "precision": pair(result.precision),
        "pages": [
            {
                "page": page.page,
                "url": page.url,
                "error": page.error or None,
                "timed_out": not page.quiet,
                "recall": pair(page.recall),
                "precision": pair(page.precision),
                "counts": {str(outcome): page.counts[outcome] for outcome in Outcome},
                "entries": [
                    {
                        "url": entry.url,
                        "outcome": str(entry.outcome),
                        "initiator": entry.initiator or None,
                        "initiator_url": entry.initiator_url or None,
                        "listed_because": entry.reason or None,
                        "status": entry.status or None,
                    }
                    for entry in page.entries
                ],
                "blocked": list(page.blocked),
            }
            for page in result.pages
        ],
    }


def render_json(result: VerifyResult) -> str:
    return json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"
