"""The comparison and its table, on hand-made recordings (no browser needed)."""

from __future__ import annotations

from push_manifest.model import Destination, Resource

from .chromium import Initiator, PageRecording, RecordedRequest
from .compare import Verdict, compare


def request(url: str, kind: str, initiator: Initiator, status: int = 200) -> RecordedRequest:
    return RecordedRequest(url, kind, initiator, "/index.html", status)


def resource(url: str, kind: Destination) -> Resource:
    return Resource(url=url, type=kind, weight=1)


RECORDING = PageRecording(
    page_url="/index.html",
    requests=(
        request("/app.css", "Stylesheet", Initiator.PARSER),
        request("/hero.png", "Image", Initiator.STYLESHEET),
        request("/late.json", "Fetch", Initiator.SCRIPT),
        request("/font.woff2", "Font", Initiator.RENDER, status=404),
        request("/app.css", "Stylesheet", Initiator.STYLESHEET),
        request("/sprite.svg", "Other", Initiator.PARSER),
    ),
    blocked=("https://example.com/x.js",),
    leaked=(),
    quiet=True,
)
LISTED = (
    resource("/app.css", Destination.STYLE),
    resource("/hero.png", Destination.SCRIPT),
    resource("/unused.woff2", Destination.FONT),
    resource("/sprite.svg", Destination.IMAGE),
)


def verdicts(allow: dict[tuple[str, str, str], str] | None = None) -> dict[str, str]:
    result = compare(RECORDING, LISTED, site="s", page="index.html", allow=allow or {})
    return {row.url: row.allowed or row.verdict for row in result.rows}


def test_each_url_gets_one_verdict_in_discovery_order() -> None:
    assert verdicts() == {
        "/app.css": Verdict.AGREE,
        "/hero.png": Verdict.TYPE,
        "/late.json": Verdict.UNMODELLED,
        "/font.woff2": Verdict.MISSING,
        "/sprite.svg": Verdict.AGREE,  # "Other" names no destination: type unchecked.
        "/unused.woff2": Verdict.EXTRA,
    }


def test_recall_counts_required_initiators_and_precision_counts_manifest_entries() -> None:
    result = compare(RECORDING, LISTED, site="s", page="index.html")
    assert result.recall == (3, 4)
    assert result.precision == (3, 4)
    assert [row.url for row in result.failures] == ["/hero.png", "/font.woff2", "/unused.woff2"]
    assert not result.ok


def test_allow_list_excuses_only_its_own_page_and_flags_stale_entries() -> None:
    allow = {
        ("s", "index.html", "/unused.woff2"): "no element uses this font",
        ("s", "other.html", "/font.woff2"): "another page",
        ("s", "index.html", "/app.css"): "agrees already, so this entry is stale",
    }
    result = compare(RECORDING, LISTED, site="s", page="index.html", allow=allow)
    assert [row.url for row in result.failures] == ["/hero.png", "/font.woff2"]
    assert result.stale == ("/app.css",)
    table = result.table()
    assert "[1] no element uses this font" in table
    assert "STALE allow-list entry (excused nothing): /app.css" in table


def test_table_has_the_numbers_and_a_line_per_disagreement() -> None:
    table = compare(RECORDING, LISTED, site="s", page="index.html").table(all_rows=False)
    lines = table.splitlines()
    assert lines[0] == "s/index.html  recall 3/4 (75%)  precision 3/4 (75%)"
    rows = [line.split() for line in lines[2:]]
    assert {row[1]: row[0] for row in rows if row[1].startswith("/")} == {
        "/hero.png": "TYPE",
        "/font.woff2": "MISSING",
        "/unused.woff2": "EXTRA",
    }
    assert "Font render /index.html [404]" in table
    assert lines[-1] == "  blocked (other origins): https://example.com/x.js"


def test_a_page_that_never_went_quiet_or_leaked_fails() -> None:
    quiet_false = PageRecording("/p.html", (), (), (), quiet=False)
    assert not compare(quiet_false, (), site="s", page="p.html").ok
    leaked = PageRecording("/p.html", (), (), ("https://example.com/",), quiet=True)
    assert not compare(leaked, (), site="s", page="p.html").ok
    assert compare(PageRecording("/p.html", (), (), (), True), (), site="s", page="p.html").ok
