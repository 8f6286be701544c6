"""The one library call, :func:`push_manifest.build`: the bytes and warnings it gives are what
the command writes and reports, for every format."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from push_manifest import FORMATS, FilterOptions, Options, WriterOptions, build, build_manifest
from push_manifest.cache import Cache
from push_manifest.cli import cli
from push_manifest.device import device_viewport
from push_manifest.fingerprint import output_fields
from push_manifest.headers import Routes
from push_manifest.model import WarningCode
from push_manifest.session import CrawlSession
from push_manifest.writers import render

from .conftest import FIXTURES

DEMO = FIXTURES / "demo"
PAGES = f"{DEMO}/**/*.html"

VARIANTS: dict[str, tuple[list[str], Options]] = {
    "defaults": ([], Options(pages=(PAGES,), root=DEMO)),
    "one page": (
        ["--routes", "extensionless"],
        Options(
            pages=(DEMO / "index.html",), root=DEMO,
            writer=WriterOptions(routes=Routes.EXTENSIONLESS),
        ),
    ),
    "filters, device, budget": (
        ["--exclude", "*.png", "--max-resources", "5", "--device", "mobile", "--nopush",
         "--header-budget", "200"],
        Options(
            pages=(PAGES,), root=DEMO, viewport=device_viewport("mobile", None, None, None),
            filters=FilterOptions(exclude=("*.png",), max_resources=5),
            writer=WriterOptions(nopush=True, header_budget=200),
        ),
    ),
}  # fmt: skip


def _command(args: list[str], target: Path) -> tuple[bytes, list[str]]:
    """What the command writes to ``target`` and the warnings it prints."""
    result = CliRunner().invoke(
        cli, [*args, "-m", os.fspath(target), "--no-cache"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    return target.read_bytes(), warned


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_api_gives_the_bytes_and_warnings_the_command_writes(
    fmt: str, variant: str, tmp_path: Path
) -> None:
    args, options = VARIANTS[variant]
    pages = [arg for page in options.pages for arg in ("-f", os.fspath(page))]
    written, warned = _command(
        [*pages, "--root", os.fspath(DEMO), "--format", fmt, *args], tmp_path / "out"
    )
    result = build(replace(options, format=fmt))
    assert result.text.encode("utf-8") == written
    assert [f"warning: {warning}" for warning in result.warnings] == warned
    assert written.strip(), "every format writes something for the demo site"


def test_the_variants_reach_what_they_test() -> None:
    """The comparisons above cover the single-page format, filters and writer warnings."""
    single = build(VARIANTS["one page"][1])
    assert single.manifest.single and len(single.manifest.pages) == 1
    filtered = build(replace(VARIANTS["filters, device, budget"][1], format="netlify"))
    assert filtered.cuts, "the filters cut something"
    assert {w.code for w in filtered.warnings} == {WarningCode.BUDGET}
    assert filtered.crawled.warnings == filtered.warnings
    assert build(VARIANTS["filters, device, budget"][1]).warnings == (), "json has no budget"


def test_default_json_is_the_fixture_and_what_build_manifest_and_render_give() -> None:
    result = build(Options(pages=(PAGES,), root=DEMO))
    assert result.text == (DEMO / "expected.json").read_text(encoding="utf-8")
    assert result.text == render(build_manifest([PAGES], root=DEMO))
    assert result.manifest == result.crawled  # no filter: nothing cut
    assert result.cuts == ()


def test_a_pattern_gives_the_multi_page_format_even_for_one_page() -> None:
    one = build(Options(pages=(f"{DEMO}/index.htm[l]",), root=DEMO))
    assert not one.manifest.single
    assert one.text.startswith('{\n  "index.html": {')


def test_options_that_do_not_change_output_do_not(tmp_path: Path) -> None:
    base = Options(pages=(PAGES,), root=DEMO, format="apache")
    expected = build(base).text
    seen: list[tuple[int, int]] = []
    other = replace(
        base, explain=True, jobs=2, cache_dir=tmp_path / "cache", cache=True,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert build(other).text == expected
    assert build(other).text == expected  # from the cache
    assert seen and seen[-1] == (2, 2)
    marked = set(Options.__dataclass_fields__) - set(output_fields(base))
    assert marked == {"explain", "jobs", "cache_dir", "cache", "progress", "written"}


def test_an_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'yaml'"):
        build(Options(pages=(PAGES,), root=DEMO, format="yaml"))


# --- a re-run with nothing changed reads its text back from the file it wrote ----------------


def _watch_crawls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every crawl (from the run's record or not) and every unpacking of a record."""
    seen: list[str] = []
    crawl, loader = CrawlSession.from_record, Cache.run_loader

    def watched_crawl(self: CrawlSession, progress: object = None) -> object:
        seen.append("crawl")
        return crawl(self, progress)  # type: ignore[arg-type]

    def watched_loader(self: Cache, key: bytes) -> object:
        load = loader(self, key)
        if load is None:
            return None

        def unpacked() -> object:
            seen.append("unpacked")
            return load()

        return unpacked

    monkeypatch.setattr(CrawlSession, "from_record", watched_crawl)
    monkeypatch.setattr(Cache, "run_loader", watched_loader)
    return seen


def _copy_demo(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(DEMO, site)
    return site


def _written(options: Options, target: Path) -> Options:
    """``options`` as the command gives them: writing to ``target``, with its text there."""
    result = build(options)
    target.write_text(result.text, encoding="utf-8", newline="")
    return replace(options, written=target)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("fmt", ["json", "netlify", "cloudflare"])
def test_an_unchanged_run_reads_its_text_back_and_unpacks_only_when_asked(
    variant: str, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _copy_demo(tmp_path)
    _, options = VARIANTS[variant]
    options = replace(
        options,
        format=fmt,
        root=site,
        pages=tuple(str(page).replace(str(DEMO), str(site)) for page in options.pages),
        cache_dir=tmp_path / "cache",
    )
    fresh = build(replace(options, cache=False))
    options = _written(options, tmp_path / "out")
    seen = _watch_crawls(monkeypatch)
    again = build(options)
    assert seen == []
    assert again.read_back and not fresh.read_back
    assert again.text == fresh.text
    assert again.warnings == fresh.warnings and again.summary == fresh.summary
    # What lies behind the text is the fresh run's, made when first asked for.
    assert (again.manifest, again.crawled, again.cuts) == (
        fresh.manifest,
        fresh.crawled,
        fresh.cuts,
    )
    assert seen == ["unpacked"]


def test_the_text_is_made_again_when_the_file_or_an_input_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _copy_demo(tmp_path)
    target = tmp_path / "out.json"
    options = _written(
        Options(pages=(f"{site}/**/*.html",), root=site, cache_dir=tmp_path / "cache"), target
    )
    seen = _watch_crawls(monkeypatch)
    text = target.read_text(encoding="utf-8")

    # Someone edited the written file: it is not the text any more, the record's result is.
    target.write_text(text.replace('"weight"', '"w"'), encoding="utf-8")
    assert build(options).text == text
    assert seen == ["crawl", "unpacked"]  # answered by the run's record, not by the file

    # Another format is another output, kept beside the first.
    seen.clear()
    netlify = _written(replace(options, format="netlify"), tmp_path / "_headers")
    assert build(netlify).text == (tmp_path / "_headers").read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    assert build(options).text == text
    assert seen == ["crawl", "unpacked"]  # by _written only: both texts were read back

    # A page changed: crawled again, and the new text differs.
    seen.clear()
    page = site / "index.html"
    page.write_text(page.read_text().replace("</body>", '<img src="new.png"></body>'))
    changed = build(options)
    assert seen == ["crawl"] and '"/new.png"' in changed.text
    assert changed.text == build(replace(options, cache=False, written=None)).text


def test_a_byte_budget_is_never_answered_from_the_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The budget reads the listed files' sizes, which the run's record does not keep."""
    site = _copy_demo(tmp_path)
    options = _written(
        Options(
            pages=(f"{site}/**/*.html",),
            root=site,
            cache_dir=tmp_path / "cache",
            filters=FilterOptions(budget=10_000_000),
        ),
        tmp_path / "out.json",
    )
    seen = _watch_crawls(monkeypatch)
    assert build(options).text == (tmp_path / "out.json").read_text(encoding="utf-8")
    assert seen == ["crawl", "unpacked"]


def test_the_package_face_keeps_render_after_a_crawl_loads_the_crawler() -> None:
    """The crawler is imported on first use (an unchanged run never needs it); loading it
    must not rebind a name of the package face, as a subpackage named like it would."""
    code = (
        "import sys, push_manifest as p\n"
        "assert 'push_manifest.crawl' not in sys.modules\n"
        f"m = p.build_manifest([{str(DEMO / 'index.html')!r}], root={str(DEMO)!r})\n"
        "assert 'push_manifest.crawl' in sys.modules\n"
        "print(p.render(m, 'json'), end='')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == render(build_manifest([DEMO / "index.html"], root=DEMO))
