"""The ``http2-push-manifest`` command: options (and pyproject settings), one library call,
filters, then write or check.

Exit codes: 0 success; 1 ``--check`` found a stale manifest or ``--strict`` found problems;
2 usage error or unusable input; 3 an internal error (a bug: rerun with ``--debug``).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import signal
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import click

from push_manifest import __version__, build_manifest
from push_manifest.config import default_map, load_config, read_config
from push_manifest.errors import OutputError, PushManifestError
from push_manifest.filters import (
    UNTYPED,
    Cut,
    FilterOptions,
    apply_filters,
    parse_size,
    parse_types,
)
from push_manifest.headers import DEFAULT_HEADER_BUDGET, Routes
from push_manifest.model import Destination, Manifest, Viewport
from push_manifest.pages import is_pattern
from push_manifest.progress import progress_bar
from push_manifest.writers import FORMATS, HEADER_FORMATS, WriterOptions, budget_warnings, render

EXIT_STALE = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class InputProblem(click.ClickException):
    """Unusable input: one line on stderr, exit 2."""

    exit_code = EXIT_INPUT


class InternalProblem(click.ClickException):
    """A bug: a short message, exit 3."""

    exit_code = EXIT_INTERNAL


class _Types(click.ParamType):  # type: ignore[type-arg, unused-ignore]
    name = "types"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> frozenset[Destination]:
        if isinstance(value, frozenset):
            return value
        try:
            return parse_types([str(value)])
        except ValueError as error:
            self.fail(str(error), param, ctx)


class _Bytes(click.ParamType):  # type: ignore[type-arg, unused-ignore]
    name = "bytes"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        try:
            return parse_size(value if isinstance(value, int) else str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


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
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Every option can also be set in [tool.http2-push-manifest] of the nearest "
    "pyproject.toml (key: the long option name); the command line wins. Docs, the weight "
    "table and the JSON format: see the README.",
)
@click.option(
    "-f", "--file", "files", multiple=True, required=True, metavar="PAGE",
    help="An HTML page, a directory (its index.html) or a quoted glob pattern ('dist/**/*.html'). "
    "Repeatable. One page gives the single-page format; several give one key per page.",
)  # fmt: skip
@click.option(
    "-m", "--manifest", default="push_manifest.json", show_default=True, metavar="FILE",
    help="Where to write the manifest; '-' for standard output.",
)  # fmt: skip
@click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="The site's document root: /css/app.css means DIR/css/app.css. "
    "Default: the deepest directory containing every page.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), default="json", show_default=True,
    help="Output format.",
)  # fmt: skip
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 and print a diff if the manifest on disk is stale.",
)
@click.option(
    "--strict/--no-strict",
    help="Exit 1 if a local reference is missing or escapes the root (after reporting all); "
    "nothing is written then.",
)
@click.option(
    "--include", multiple=True, metavar="GLOB",
    help="Keep only resources whose URL path matches (repeatable). '*' stays in one segment, "
    "'**' crosses them; a pattern without a leading '/' matches at any depth ('*.png').",
)  # fmt: skip
@click.option(
    "--exclude", multiple=True, metavar="GLOB",
    help="Leave out resources whose URL path matches (repeatable; wins over --include).",
)  # fmt: skip
@click.option(
    "--types", multiple=True, type=_Types(), metavar="LIST",
    help="Keep only these types, comma-separated: style, script, font, image, document, fetch, "
    f"track, audio, video, worker, {UNTYPED} (untyped). Repeatable.",
)  # fmt: skip
@click.option(
    "--max-depth", type=click.IntRange(min=1), metavar="N",
    help="Per page, keep resources at most N documents away (1: referenced by the page itself, "
    "2: by its stylesheets and imports, ...).",
)  # fmt: skip
@click.option(
    "--max-resources", type=click.IntRange(min=0), metavar="N",
    help="Per page, keep at most the N highest-weight resources.",
)  # fmt: skip
@click.option(
    "--budget", type=_Bytes(), metavar="BYTES",
    help="Per page, keep in weight order each resource whose file still fits in BYTES on disk "
    "(14000, 14kB, 16KiB, 1MB).",
)  # fmt: skip
@click.option(
    "--uniform-weights/--no-uniform-weights",
    help="Write weight 1 for every resource, as the npm tool did.",
)
@click.option(
    "--include-lazy/--no-include-lazy",
    help="Also list what loads later or on demand: loading=lazy images, dynamic import(), workers.",
)
@click.option(
    "--viewport-width",
    type=click.FloatRange(min=1),
    default=1280,
    show_default=True,
    metavar="PX",
    help="Viewport width in CSS px, for srcset, sizes and media queries.",
)
@click.option(
    "--viewport-height",
    type=click.FloatRange(min=1),
    default=800,
    show_default=True,
    metavar="PX",
    help="Viewport height in CSS px, for media queries.",
)
@click.option(
    "--dpr",
    type=click.FloatRange(min=0.1),
    default=1.0,
    show_default=True,
    metavar="RATIO",
    help="Device pixel ratio, for srcset and image-set().",
)
@click.option(
    "--prune/--no-prune", default=True, show_default=True,
    help="Leave out what the page's first render does not fetch (CSS images and fonts of rules "
    "that do not apply at the viewport). --no-prune lists every reference found.",
)  # fmt: skip
@click.option(
    "--nopush", is_flag=True,
    help="Header formats: add nopush to every Link (preload only; no push directives).",
)  # fmt: skip
@click.option(
    "--early-hints", is_flag=True,
    help="Header formats: keep only the links browsers act on in a 103 Early Hints response "
    "(preload as font/image/script/style/fetch, modulepreload).",
)  # fmt: skip
@click.option(
    "--header-budget", type=click.IntRange(min=0), default=DEFAULT_HEADER_BUDGET,
    show_default=True, metavar="BYTES",
    help="Header formats: per-page Link header limit; the lowest weights are dropped first, "
    "with a warning. 0: no limit.",
)  # fmt: skip
@click.option(
    "--routes", type=click.Choice([r.value for r in Routes]), default=Routes.HTML.value,
    show_default=True,
    help="Header formats: how the server maps pages to URLs: /blog/post.html (html) or "
    "/blog/post (extensionless). index.html is always also its directory, /blog/.",
)  # fmt: skip
@click.option(
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path(".push-manifest-cache"), show_default=True, metavar="DIR",
    help="The incremental cache: a re-run re-parses only files that changed.",
)  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Neither read nor write the incremental cache.")
@click.option(
    "--jobs", type=click.IntRange(min=1), metavar="N",
    help="Crawl with N processes. Default: one per core (small sites use one). "
    "The output is the same whatever N is.",
)  # fmt: skip
@click.option(
    "--config", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    is_eager=True, expose_value=False, callback=_use_config,
    help="Read settings from this pyproject.toml instead of the nearest one up from the "
    "current directory.",
)  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings and no progress bar.")
@click.option(
    "--verbose",
    is_flag=True,
    help="List every resource of every page with why it is there (construct, referring file), "
    "what the filters cut, and what pruning left out and why.",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
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
    viewport_width: float,
    viewport_height: float,
    dpr: float,
    prune: bool,
    nopush: bool,
    early_hints: bool,
    header_budget: int,
    routes: str,
    cache_dir: Path,
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
    filters = FilterOptions(
        include=include,
        exclude=exclude,
        types=frozenset().union(*types) if types else None,
        max_depth=max_depth,
        max_resources=max_resources,
        budget=budget,
    )
    bar = progress_bar(sys.stderr, enabled=not quiet)
    try:
        result = build_manifest(
            files,
            root=root,
            single=len(files) == 1 and not is_pattern(files[0]),
            viewport=Viewport(viewport_width, viewport_height, dpr),
            include_lazy=include_lazy,
            uniform_weights=uniform_weights,
            prune=prune,
            jobs=jobs,
            cache_dir=None if no_cache else cache_dir,
            progress=bar.update if bar is not None else None,
            explain=verbose,
        )
        if bar is not None:
            bar.close()
        kept, cuts = apply_filters(result, filters, result.root)
        writer_options = WriterOptions(
            nopush=nopush, early_hints=early_hints, header_budget=header_budget,
            routes=Routes(routes),
        )  # fmt: skip
        text = render(kept, fmt, writer_options)
        if fmt in HEADER_FORMATS:
            kept = replace(kept, warnings=kept.warnings + budget_warnings(kept, writer_options))
            result = replace(result, warnings=kept.warnings)
        failed = _report(result, kept, cuts, quiet=quiet, verbose=verbose, strict=strict)
        stale = _check(manifest, text) if check else False
        if not check and not failed:
            _write(manifest, text)
    except PushManifestError as error:
        raise InputProblem(str(error)) from error
    except Exception as error:
        if debug:
            raise
        raise InternalProblem(
            f"internal error: {type(error).__name__}: {error}. "
            "Rerun with --debug for the traceback and report it."
        ) from error
    finally:
        if bar is not None:
            bar.close()
    if failed or stale:
        sys.exit(EXIT_STALE)


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


def _report(
    crawled: Manifest,
    kept: Manifest,
    cuts: Sequence[Cut],
    *,
    quiet: bool,
    verbose: bool,
    strict: bool,
) -> bool:
    """Print warnings (and with ``verbose`` the listing); True when ``strict`` fails the run.

    Under ``strict``, broken references are errors: printed even with ``quiet``.
    """
    if verbose:
        config = click.get_current_context().meta.get("push_manifest.config")
        if config is not None:
            click.echo(f"settings: {config}", err=True)
    problems = 0
    for warning in crawled.warnings:
        if strict and warning.code.strict:
            problems += 1
            click.echo(f"error: {warning}", err=True)
        elif not quiet:
            click.echo(f"warning: {warning}", err=True)
    if verbose:
        _explain(kept, cuts)
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
                f"({resource.kind} in {resource.referrer or page.key})",
                err=True,
            )
        for cut in dropped:
            click.echo(f"  cut {cut.resource.url}: {cut.detail} [{cut.reason}]", err=True)
        for url, why in page.pruned:
            click.echo(f"  pruned {url}: {why}", err=True)


def _check(target: str, text: str) -> bool:
    """True (and a diff on stdout) when ``target`` differs from ``text``."""
    if target == "-":
        raise OutputError("--check compares with a file; give -m FILE, not -m -")
    try:
        current = Path(target).read_text(encoding="utf-8")
    except FileNotFoundError:
        current = ""
    except OSError as error:
        raise OutputError(f"cannot read {target!r}: {error.strerror}") from error
    if current == text:
        return False
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        text.splitlines(keepends=True),
        fromfile=f"{target} (on disk)",
        tofile=f"{target} (expected)",
    )
    click.echo("".join(diff), nl=False)
    click.echo(f"error: {target} is stale; run without --check to update it", err=True)
    return True


def _write(target: str, text: str) -> None:
    """Write ``text`` to ``target`` atomically; leave the file untouched if it would not change."""
    if target == "-":
        click.echo(text, nl=False)
        return
    path = Path(target)
    if path.is_dir():
        raise OutputError(f"cannot write {target!r}: it is a directory; give -m a file name")
    if path.exists() and not path.is_file():
        # A device or FIFO (-m /dev/stdout, /dev/null): write into it; renaming over it would
        # replace the device with a regular file.
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as error:
            raise OutputError(f"cannot write {target!r}: {error.strerror}") from error
        return
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {target!r}: directory {str(directory)!r} does not exist")
    fd, temporary = _mkstemp(directory, path.name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
        with contextlib.suppress(OSError):
            directory_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(directory_fd)  # the rename itself survives a power cut
            finally:
                os.close(directory_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mkstemp(directory: Path, name: str) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(
            f"cannot write in {str(directory)!r}: {error.strerror}; choose another -m FILE"
        ) from error


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _terminate(signum: int, _frame: object) -> None:
    """SIGTERM: unwind like Ctrl-C, so temporary files are removed and workers stopped."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Console-script entry point: click's usage errors become one line, exit 2."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(prog_name="http2-push-manifest", standalone_mode=False)
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
