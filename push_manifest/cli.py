"""The ``http2-push-manifest`` command: options (declared in :mod:`push_manifest.cli_options`,
and pyproject settings), one library call (:func:`push_manifest.api.build`), then write or check.

Exit codes: 0 success; 1 ``--check`` found a stale manifest or ``--strict`` found problems;
2 usage error or unusable input; 3 an internal error (a bug: rerun with ``--debug``).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import traceback
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import click

import push_manifest.cli_options as opts
from push_manifest.api import Options, Result, build
from push_manifest.cache import project_cache_dir
from push_manifest.config import default_map, load_config, read_config
from push_manifest.device import device_viewport
from push_manifest.errors import OutputError, PushManifestError
from push_manifest.filters import UNTYPED, Cut, FilterOptions
from push_manifest.headers import Routes
from push_manifest.model import Destination, Manifest
from push_manifest.output import guard_target, holds_text, stale_diff, write_file
from push_manifest.progress import progress_bar
from push_manifest.version import __version__
from push_manifest.writers import WriterOptions

EXIT_STALE = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class InputProblem(click.ClickException):
    """Unusable input: one line on stderr, exit 2."""

    exit_code = EXIT_INPUT


class InternalProblem(click.ClickException):
    """A bug: a short message, exit 3."""

    exit_code = EXIT_INTERNAL


def _use_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Eager: load the settings before the other options are processed, as their defaults."""
    try:
        config = read_config(value) if value is not None else load_config()
        ctx.default_map = {**(ctx.default_map or {}), **default_map(config, ctx.command, ctx)}
    except PushManifestError as error:
        raise InputProblem(str(error)) from error
    ctx.meta["push_manifest.config"] = config.path
    return value


@click.command(
    cls=opts.GroupedCommand,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 100,
        "allow_extra_args": True,  # refused by _refuse_stray_arguments, with a hint
    },
    epilog="Every option can also be set in [tool.http2-push-manifest] of the nearest "
    "pyproject.toml (key: the long option name); the command line wins. Docs, the weight "
    "table and the JSON format: see the README.\n\n"
    "\b\nCommands:\n"
    "  verify  check the manifest against what headless Chromium fetches\n"
    "          (http2-push-manifest verify --help)\n\n"
    "\b\nExit codes:\n"
    "  0  success (the manifest is written, or --check found it up to date)\n"
    "  1  --check found the manifest stale, or --strict found broken references\n"
    "  2  usage error or unusable input or output (one line on stderr says which)\n"
    "  3  internal error: a bug; rerun with --debug and report the traceback",
)
@opts.stack(
    opts.FILE, opts.ROOT, opts.MAX_PAGE_SIZE, opts.config_option(_use_config),
    opts.MANIFEST, opts.FORMAT, opts.CHECK, opts.STRICT, opts.UNIFORM_WEIGHTS,
    opts.NOPUSH, opts.EARLY_HINTS, opts.HEADER_BUDGET, opts.ROUTES,
    opts.INCLUDE, opts.EXCLUDE, opts.TYPES, opts.MAX_DEPTH, opts.MAX_RESOURCES, opts.BUDGET,
    opts.INCLUDE_LAZY,
    opts.DEVICE, opts.VIEWPORT_WIDTH, opts.VIEWPORT_HEIGHT, opts.DPR, opts.PRUNE,
    opts.INSTALLED_FONT,
    opts.CACHE_DIR, opts.NO_CACHE, opts.JOBS,
    opts.QUIET, opts.VERBOSE, opts.DEBUG,
)  # fmt: skip
@click.version_option(__version__, "-v", "--version", prog_name="http2-push-manifest")
def cli(
    files: tuple[str, ...],
    manifest: str,
    root: Path | None,
    fmt: str,
    check: bool,
    strict: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    types: tuple[frozenset[Destination], ...],
    max_depth: int | None,
    max_resources: int | None,
    budget: int | None,
    uniform_weights: bool,
    include_lazy: bool,
    installed_fonts: tuple[str, ...],
    device: str,
    viewport_width: float | None,
    viewport_height: float | None,
    dpr: float | None,
    prune: bool,
    max_page_size: int,
    nopush: bool,
    early_hints: bool,
    header_budget: int,
    routes: str,
    cache_dir: Path | None,
    no_cache: bool,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """Write a push/preload manifest for HTML pages.

    Reads each page and everything it loads (stylesheets and their @imports, scripts, images,
    srcset and <picture> choices, fonts, CSS url()s, HTML imports) inside the site root, and
    writes which resources to push or preload, with a type and a priority weight.

    \b
    Examples:
      http2-push-manifest -f index.html
      http2-push-manifest -f 'dist/**/*.html' --root dist -m dist/push_manifest.json
      http2-push-manifest --check --strict -f index.html
    """
    ctx = click.get_current_context()
    quiet, verbose = _loudness(ctx, quiet, verbose)
    _refuse_stray_arguments(ctx)
    if not files:
        raise click.UsageError(
            "no pages: pass -f PAGE (a file, a directory or a quoted glob pattern), or set "
            "file = [...] in [tool.http2-push-manifest] of pyproject.toml"
        )
    config: Path | None = ctx.meta.get("push_manifest.config")
    bar = progress_bar(sys.stderr, enabled=not quiet)
    try:
        options = Options(
            pages=files,
            root=root,
            format=fmt,
            viewport=device_viewport(device, viewport_width, viewport_height, dpr),
            include_lazy=include_lazy,
            uniform_weights=uniform_weights,
            prune=prune,
            max_page_size=max_page_size or None,
            installed_fonts=installed_fonts,
            filters=FilterOptions(
                include=include,
                exclude=exclude,
                types=frozenset().union(*types) if types else None,
                max_depth=max_depth,
                max_resources=max_resources,
                budget=budget,
            ),
            writer=WriterOptions(
                nopush=nopush, early_hints=early_hints, header_budget=header_budget,
                routes=Routes(routes),
            ),
            explain=verbose,
            jobs=jobs,
            cache_dir=cache_dir
            if cache_dir is not None or config is None
            else project_cache_dir(config.parent),
            cache=not no_cache,
            progress=bar.update if bar is not None else None,
            written=None if manifest == "-" else manifest,
        )  # fmt: skip
        result = build(options)
        if bar is not None:
            bar.close()
        failed = _report(result, quiet=quiet, verbose=verbose, strict=strict)
        stale = _check(manifest, result.text) if check else False
        if not check and not failed:
            held = manifest != "-" and (
                result.read_back or holds_text(manifest, result.text)
            )  # the file holds the text already: nothing to guard or write
            if manifest != "-" and not held:
                guard_target(manifest, result.crawled)
            changed = not held and _write(manifest, result.text)
            if not quiet:
                where = "the manifest to standard output" if manifest == "-" else manifest
                _summary(result, f"wrote {where}" if changed else f"{manifest} unchanged")
        elif check and not stale and not quiet:
            _summary(result, f"{manifest} is up to date")
    except PushManifestError as error:
        raise InputProblem(str(error)) from error
    except Exception as error:
        if debug:
            traceback.print_exc()
        raise InternalProblem(
            f"internal error: {type(error).__name__}: {error}. "
            "Rerun with --debug for the traceback and report it."
        ) from error
    finally:
        if bar is not None:
            bar.close()
    if failed or stale:
        sys.exit(EXIT_STALE)


def _summary(result: Result, outcome: str) -> None:
    """One line on stderr: what became of the manifest, with its pages and resources."""
    counts = result.summary
    warned = f", {len(result.warnings)} warning(s)" if result.warnings else ""
    click.echo(
        f"{outcome}: {counts.pages} page(s), {counts.entries} resource entries "
        f"({counts.distinct} distinct){warned}",
        err=True,
    )


def _loudness(ctx: click.Context, quiet: bool, verbose: bool) -> tuple[bool, bool]:
    """``(quiet, verbose)``; when both are set, the one given on the command line wins."""
    if not (quiet and verbose):
        return quiet, verbose
    typed = click.core.ParameterSource.COMMANDLINE
    quiet_typed = ctx.get_parameter_source("quiet") is typed
    verbose_typed = ctx.get_parameter_source("verbose") is typed
    if quiet_typed != verbose_typed:
        return quiet_typed, verbose_typed
    raise click.UsageError("--quiet and --verbose exclude each other; give one")


def _report(result: Result, *, quiet: bool, verbose: bool, strict: bool) -> bool:
    """Print warnings (and with ``verbose`` the listing); True when ``strict`` fails the run.

    Under ``strict``, broken references are errors: printed even with ``quiet``.
    """
    if verbose:
        config = click.get_current_context().meta.get("push_manifest.config")
        if config is not None:
            click.echo(f"settings: {config}", err=True)
    problems = 0
    for warning in result.warnings:
        if strict and warning.code.strict:
            problems += 1
            click.echo(f"error: {warning}", err=True)
        elif not quiet:
            click.echo(f"warning: {warning}", err=True)
    if verbose:
        _explain(result.manifest, result.cuts)
    if problems:
        click.echo(f"error: --strict: {problems} broken reference(s); nothing written", err=True)
    return problems > 0


def _explain(manifest: Manifest, cuts: Sequence[Cut]) -> None:
    """Every kept resource with the construct and file that brought it in, then the cuts."""
    by_page: dict[str, list[Cut]] = defaultdict(list)
    for cut in cuts:
        by_page[cut.page].append(cut)
    for page in manifest.pages:
        dropped = by_page.get(page.key, [])
        extra = f", {len(dropped)} cut" if dropped else ""
        click.echo(f"{page.key}: {len(page.resources)} resource(s){extra}", err=True)
        for resource in page.resources:
            kind = str(resource.type) or UNTYPED
            click.echo(
                f"  {resource.weight:>3} {kind:<8} {resource.url}  "
                f"({resource.explanation(page.key)})",
                err=True,
            )
        for cut in dropped:
            click.echo(f"  cut {cut.resource.url}: {cut.detail} [{cut.reason}]", err=True)
        for url, why in page.pruned:
            click.echo(f"  pruned {url}: {why}", err=True)


def _check(target: str, text: str) -> bool:
    """True (and a diff on stdout) when ``target`` differs from ``text``."""
    diff = stale_diff(target, text)
    if diff is None:
        return False
    click.echo(diff, nl=False)
    click.echo(f"error: {target} is stale; run without --check to update it", err=True)
    return True


def _write(target: str, text: str) -> bool:
    """Write ``text`` to ``target`` (``-``: standard output); False when the file already
    held it."""
    if target != "-":
        return write_file(target, text)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        _silence_stdout()
        raise OutputError(f"cannot write to standard output: {error.strerror}") from error
    return True


def _silence_stdout() -> None:
    """After a failed write, point standard output at /dev/null, so that the flush at exit
    does not fail again (with a traceback) on what is still buffered."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def _terminate(signum: int, _frame: object) -> None:
    """SIGTERM: unwind like Ctrl-C, so temporary files are removed and workers stopped."""
    raise SystemExit(128 + signum)


def _refuse_stray_arguments(ctx: click.Context) -> None:
    """Arguments without an option are an error; when they name files, the shell most likely
    expanded an unquoted ``-f dist/*.html``, giving ``-f`` the first match and leaving the
    others stray."""
    if not ctx.args:
        return
    stray = " ".join(ctx.args)
    hint = ""
    if all(os.path.exists(arg) for arg in ctx.args):
        hint = (
            "; did the shell expand a glob pattern? Quote it, so the tool sees the pattern: "
            "-f 'dist/**/*.html'"
        )
    raise click.UsageError(f"unexpected extra argument(s): {stray}{hint}", ctx)


VERIFY = "verify"
"""The one subcommand: when it is the first argument, :func:`main` runs it instead of
:func:`cli` (every other command line is the main command's, unchanged)."""


def _command(args: Sequence[str]) -> tuple[click.Command, list[str], str]:
    """The command to run for ``args`` (``sys.argv[1:]``), its arguments and program name."""
    if args and args[0] == VERIFY:
        from push_manifest.verify.command import verify_command  # only when asked for

        return verify_command, list(args[1:]), f"http2-push-manifest {VERIFY}"
    return cli, list(args), "http2-push-manifest"


def main() -> None:
    """Console-script entry point: click's usage errors become one line, exit 2."""
    signal.signal(signal.SIGTERM, _terminate)
    command, args, prog_name = _command(sys.argv[1:])
    try:
        command.main(args, prog_name=prog_name, standalone_mode=False)
    except click.UsageError as error:
        hint = " (see --help)" if error.ctx is not None else ""
        click.echo(f"Error: {error.format_message()}{hint}", err=True)
        sys.exit(EXIT_INPUT)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
