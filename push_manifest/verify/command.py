"""``http2-push-manifest verify``: options, one library call, a report, an exit code.

Imported only when the first argument is ``verify`` (see :func:`push_manifest.cli.main`);
Playwright itself only when pages are loaded.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

import push_manifest.cli_options as opts
from push_manifest.api import Options, build
from push_manifest.cli_options import NOT_VERIFY
from push_manifest.config import (
    SUBCOMMANDS,
    Config,
    default_map,
    load_config,
    read_config,
    section,
)
from push_manifest.device import device_viewport
from push_manifest.errors import PushManifestError
from push_manifest.filters import FilterOptions
from push_manifest.model import Destination, Manifest
from push_manifest.progress import progress_bar
from push_manifest.verify.observe import observed_manifest
from push_manifest.verify.recorder import (
    BROWSER_DEVICES,
    CHROMIUM,
    QUIET_MS,
    TIMEOUT_S,
    BrowserUnavailable,
)
from push_manifest.verify.report import render_json, render_table
from push_manifest.verify.run import (
    WORKERS,
    VerifyResult,
    manifest_listing,
    read_listing,
    verify,
)

VERIFY = "verify"
"""The subcommand's name, and its settings table under ``[tool.http2-push-manifest]``."""
EXIT_BELOW = 1
EXIT_INPUT = 2


class _Problem(click.ClickException):
    exit_code = EXIT_INPUT


def _use_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Eager: the settings of ``pyproject.toml`` become defaults, as for the main command:
    the keys ``verify`` shares with it (those in :data:`~push_manifest.cli_options.NOT_VERIFY`
    are passed over), then ``[tool.http2-push-manifest.verify]`` for its own options."""
    try:
        config = read_config(value) if value is not None else load_config()
        shared = {
            key: setting
            for key, setting in config.values.items()
            if key not in NOT_VERIFY and key not in SUBCOMMANDS
        }
        own = section(config, VERIFY).values
        merged = Config(config.path, {**shared, **own})
        ctx.default_map = {**(ctx.default_map or {}), **default_map(merged, ctx.command, ctx)}
    except PushManifestError as error:
        raise _Problem(str(error)) from error
    return value


class _Command(opts.GroupedCommand):
    headings = (*opts.HEADINGS[:-1], opts.BROWSER, opts.GENERAL)


class _Own(click.Option):
    """An option of ``verify`` alone, under a ``--help`` heading. Not a
    :class:`~push_manifest.cli_options.GroupedOption`: those are the main command's
    declarations, shared as they are."""

    def __init__(self, *args: Any, group: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group


def _own(group: str, *decls: str, **attrs: Any) -> opts.Decorator[Any]:
    return click.option(*decls, cls=_Own, group=group, **attrs)


@click.command(
    "verify",
    cls=_Command,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Settings: the keys of [tool.http2-push-manifest] in the nearest pyproject.toml that "
    "name options above (the main command's output, cache and message keys are passed over), "
    "then [tool.http2-push-manifest.verify] for verify's own (workers = 4, min-recall = 0.95); "
    "the command line wins.\n\n"
    "\b\nExit codes:\n"
    "  0  the run finished and met --min-recall and --min-precision\n"
    "  1  recall or precision below its threshold\n"
    "  2  usage error, unusable input, or no browser (one line on stderr says how to install)",
)
@opts.stack(
    _own(
        opts.INPUT, "-f", "--file", "files", multiple=True, metavar="PAGE",
        help="An HTML page, a directory or a quoted glob pattern, as for the main command. "
        "Repeatable; needed unless pyproject.toml sets 'file'.",
    ),
    opts.ROOT,
    opts.config_option(_use_config),
    _own(
        opts.INPUT, "-m", "--manifest", "manifest_file", metavar="FILE",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="Compare with this JSON manifest instead of the one the options below produce.",
    ),
    *opts.CRAWL_OPTIONS,
    *opts.FILTER_OPTIONS,
    _own(
        opts.BROWSER, "--browser", "executable", default=CHROMIUM, show_default=True,
        metavar="PATH", help="The Chromium executable.",
    ),
    _own(
        opts.BROWSER, "--workers", type=click.IntRange(min=1), default=WORKERS,
        show_default=True, metavar="N",
        help="Pages loaded at once, each in its own context of one Chromium.",
    ),
    _own(
        opts.BROWSER, "--timeout", type=click.FloatRange(min=1), default=TIMEOUT_S,
        show_default=True, metavar="S", help="Seconds per page, load and quiet network together.",
    ),
    _own(
        opts.BROWSER, "--quiet-ms", type=click.IntRange(min=0), default=QUIET_MS,
        show_default=True, metavar="MS",
        help="After the load event, wait until the network was idle this long.",
    ),
    _own(opts.BROWSER, "--json", "as_json", is_flag=True, help="Print the report as JSON."),
    _own(
        opts.BROWSER, "--all", "all_pages", is_flag=True,
        help="List pages in full agreement too.",
    ),
    _own(
        opts.BROWSER, "--min-recall", type=click.FloatRange(0, 1), metavar="RATIO",
        help="Exit 1 when the total recall is below RATIO (0.95).",
    ),
    _own(
        opts.BROWSER, "--min-precision", type=click.FloatRange(0, 1), metavar="RATIO",
        help="Exit 1 when the total precision is below RATIO.",
    ),
    _own(
        opts.BROWSER, "--observe", type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Also write a multi-page JSON manifest: the static one plus what the browser "
        'fetched during load that it lacks, each such entry marked "observed": true, typed '
        "from the request and weighed as the static manifest weighs its kind.",
    ),
    _own(opts.GENERAL, "-q", "--quiet", is_flag=True, help="No progress bar."),
)  # fmt: skip
def verify_command(
    files: tuple[str, ...],
    root: Path | None,
    manifest_file: Path | None,
    max_page_size: int,
    device: str,
    viewport_width: float | None,
    viewport_height: float | None,
    dpr: float | None,
    prune: bool,
    installed_fonts: tuple[str, ...],
    include_lazy: bool,
    uniform_weights: bool,
    jobs: int | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    types: tuple[frozenset[Destination], ...],
    max_depth: int | None,
    max_resources: int | None,
    budget: int | None,
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
    if not files:
        raise click.UsageError(
            "no pages: pass -f PAGE (a file, a directory or a quoted glob pattern), or set "
            "file = [...] in [tool.http2-push-manifest] of pyproject.toml"
        )
    viewport = device_viewport(device, viewport_width, viewport_height, dpr)
    emulated = replace(
        BROWSER_DEVICES[device],
        viewport={"width": int(viewport.width), "height": int(viewport.height)},
        device_scale_factor=viewport.dpr,
    )
    try:
        built = build(
            Options(
                pages=files, root=root, single=False, viewport=viewport,
                include_lazy=include_lazy, uniform_weights=uniform_weights, prune=prune,
                max_page_size=max_page_size or None, installed_fonts=installed_fonts,
                filters=FilterOptions(
                    include=include, exclude=exclude,
                    types=frozenset().union(*types) if types else None,
                    max_depth=max_depth, max_resources=max_resources, budget=budget,
                ),
                jobs=jobs, cache=False,
            )
        )  # fmt: skip
        manifest = built.manifest
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
        _write_observed(observe, manifest, manifest_file, result, uniform_weights)
    sys.exit(_exit_code(result, min_recall, min_precision))


def _file_listing(path: Path, keys: list[str]) -> dict[str, dict[str, str]]:
    listed = read_listing(path, keys)
    return {key: listed.get(key, {}) for key in keys}


def _write_observed(
    target: Path,
    manifest: Manifest,
    manifest_file: Path | None,
    result: VerifyResult,
    uniform_weights: bool,
) -> None:
    import json

    base = None
    if manifest_file is not None:
        base = json.loads(manifest_file.read_text(encoding="utf-8"))
    observed = observed_manifest(manifest, result, base, uniform_weights=uniform_weights)
    text = json.dumps(observed, indent=2, ensure_ascii=False)
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
