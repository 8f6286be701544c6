"""``http2-push-manifest verify``: options, one library call, a report, an exit code.

Imported only when the first argument is ``verify`` (see :func:`push_manifest.cli.main`);
Playwright itself only when pages are loaded.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from push_manifest.api import build_manifest
from push_manifest.cli_options import CRAWL_OPTIONS, FILTER_OPTIONS, stack
from push_manifest.device import device_viewport
from push_manifest.errors import PushManifestError
from push_manifest.filters import FilterOptions, apply_filters
from push_manifest.model import Manifest
from push_manifest.progress import progress_bar
from push_manifest.verify.recorder import (
    BROWSER_DEVICES,
    CHROMIUM,
    QUIET_MS,
    TIMEOUT_S,
    BrowserUnavailable,
)
from push_manifest.verify.report import render_json, render_table
from push_manifest.verify.run import (
    VerifyResult,
    manifest_listing,
    observed_manifest,
    read_listing,
    verify,
)

EXIT_BELOW = 1
EXIT_INPUT = 2


class _Problem(click.ClickException):
    exit_code = EXIT_INPUT


@click.command(
    "verify",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="\b\nExit codes:\n"
    "  0  the run finished and met --min-recall and --min-precision\n"
    "  1  recall or precision below its threshold\n"
    "  2  usage error, unusable input, or no browser (one line on stderr says how to install)",
)
@click.option(
    "-f", "--file", "files", multiple=True, required=True, metavar="PAGE",
    help="An HTML page, a directory or a quoted glob pattern, as for the main command.",
)  # fmt: skip
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), metavar="DIR",
    help="The site's document root, served on 127.0.0.1. Default: the deepest directory "
    "containing every page.",
)  # fmt: skip
@click.option(
    "-m", "--manifest", "manifest_file", metavar="FILE",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Compare with this JSON manifest instead of the one the crawl options produce.",
)  # fmt: skip
@stack(*CRAWL_OPTIONS, *FILTER_OPTIONS)
@click.option(
    "--browser", "executable", default=CHROMIUM, show_default=True, metavar="PATH",
    help="The Chromium executable.",
)  # fmt: skip
@click.option(
    "--workers", type=click.IntRange(min=1), default=2, show_default=True, metavar="N",
    help="Pages loaded at once (one browser each).",
)  # fmt: skip
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=TIMEOUT_S, show_default=True,
    metavar="S", help="Seconds per page, load and quiet network together.",
)  # fmt: skip
@click.option(
    "--quiet-ms", type=click.IntRange(min=0), default=QUIET_MS, show_default=True, metavar="MS",
    help="After the load event, wait until the network was idle this long.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--all", "all_pages", is_flag=True, help="List pages in full agreement too.")
@click.option(
    "--min-recall", type=click.FloatRange(0, 1), metavar="RATIO",
    help="Exit 1 when the total recall is below RATIO (0.95).",
)  # fmt: skip
@click.option(
    "--min-precision", type=click.FloatRange(0, 1), metavar="RATIO",
    help="Exit 1 when the total precision is below RATIO.",
)  # fmt: skip
@click.option(
    "--observe", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Also write a multi-page JSON manifest: the static one plus what the browser fetched "
    'during load that it lacks, each such entry marked "observed": true.',
)  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def verify_command(
    files: tuple[str, ...],
    root: Path | None,
    manifest_file: Path | None,
    device: str,
    viewport_width: float | None,
    viewport_height: float | None,
    dpr: float | None,
    prune: bool,
    include_lazy: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    max_depth: int | None,
    max_resources: int | None,
    executable: str,
    workers: int,
    timeout: float,
    quiet_ms: int,
    as_json: bool,
    all_pages: bool,
    min_recall: float | None,
    min_precision: float | None,
    observe: Path | None,
    quiet: bool,
) -> None:
    """Check a site's manifest against what headless Chromium really fetches.

    Serves the root on 127.0.0.1, loads each page in a fresh browser context (no cache,
    service workers blocked, every request off the loopback server aborted and reported),
    records every request with its initiator, and compares it with the manifest the same
    options produce (or the file given with -m). Needs Chromium and the verify extra.

    \b
    Example:
      http2-push-manifest verify -f 'dist/**/*.html' --root dist --min-recall 0.95
    """
    viewport = device_viewport(device, viewport_width, viewport_height, dpr)
    emulated = replace(
        BROWSER_DEVICES[device],
        viewport={"width": int(viewport.width), "height": int(viewport.height)},
        device_scale_factor=viewport.dpr,
    )
    try:
        manifest = build_manifest(
            files, root=root, single=False, viewport=viewport, include_lazy=include_lazy,
            prune=prune, cache=False,
        )  # fmt: skip
        filters = FilterOptions(
            include=include, exclude=exclude, max_depth=max_depth, max_resources=max_resources
        )
        manifest, _cuts = apply_filters(manifest, filters, manifest.root)
        keys = [page.key for page in manifest.pages]
        listed = (
            manifest_listing(manifest)
            if manifest_file is None
            else _file_listing(manifest_file, keys)
        )
        bar = progress_bar(sys.stderr, enabled=not quiet)
        try:
            result = verify(
                manifest.root, listed, device=emulated, executable=executable,
                workers=workers, quiet_ms=quiet_ms, timeout_s=timeout,
                progress=bar.update if bar is not None else None,
            )  # fmt: skip
        finally:
            if bar is not None:
                bar.close()
    except (BrowserUnavailable, PushManifestError) as error:
        raise _Problem(str(error)) from error
    click.echo(
        render_json(result) if as_json else render_table(result, all_pages=all_pages), nl=False
    )
    if observe is not None:
        _write_observed(observe, manifest, manifest_file, result)
    sys.exit(_exit_code(result, min_recall, min_precision))


def _file_listing(path: Path, keys: list[str]) -> dict[str, dict[str, str]]:
    listed = read_listing(path, keys)
    return {key: listed.get(key, {}) for key in keys}


def _write_observed(
    target: Path, manifest: Manifest, manifest_file: Path | None, result: VerifyResult
) -> None:
    import json

    base = None
    if manifest_file is not None:
        base = json.loads(manifest_file.read_text(encoding="utf-8"))
    text = json.dumps(observed_manifest(manifest, result, base), indent=2, ensure_ascii=False)
    try:
        target.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise _Problem(f"cannot write {str(target)!r}: {error.strerror}") from error
    click.echo(f"wrote {target} (static and observed entries)", err=True)


def _exit_code(result: VerifyResult, min_recall: float | None, min_precision: float | None) -> int:
    """1 when a threshold is not met; a total with nothing to count meets any threshold."""
    for threshold, (found, counted), name in (
        (min_recall, result.recall, "recall"),
        (min_precision, result.precision, "precision"),
    ):
        if threshold is not None and counted and found / counted < threshold:
            click.echo(
                f"error: {name} {found}/{counted} is below --min-{name} {threshold:g}", err=True
            )
            return EXIT_BELOW
    return 0
