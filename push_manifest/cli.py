"""The ``http2-push-manifest`` command: options, one library call, then write or check.

Exit codes: 0 success; 1 ``--check`` found a stale manifest or ``--strict`` found problems;
2 usage error or unusable input; 3 an internal error (a bug: rerun with ``--debug``).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import tempfile
from pathlib import Path
import click

from push_manifest import __version__, build_manifest
from push_manifest.errors import OutputError, PushManifestError
from push_manifest.model import Manifest, Viewport
from push_manifest.pages import is_pattern
from push_manifest.writers import FORMATS, render

EXIT_STALE = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class InputProblem(click.ClickException):
    """Unusable input: one line on stderr, exit 2."""

    exit_code = EXIT_INPUT


class InternalProblem(click.ClickException):
    """A bug: a short message, exit 3."""

    exit_code = EXIT_INTERNAL


@click.command(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Docs, the weight table and the JSON format: see the README.",
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
    "--strict",
    is_flag=True,
    help="Exit 1 if a local reference is missing or escapes the root (after reporting all).",
)
@click.option(
    "--uniform-weights",
    is_flag=True,
    help="Write weight 1 for every resource, as the npm tool did.",
)
@click.option(
    "--include-lazy", is_flag=True, help="Also list loading=lazy images (browsers defer them)."
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
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings.")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.version_option(__version__, "-v", "--version", prog_name="http2-push-manifest")
def cli(
    files: tuple[str, ...],
    manifest: str,
    root: Path | None,
    fmt: str,
    check: bool,
    strict: bool,
    uniform_weights: bool,
    include_lazy: bool,
    viewport_width: float,
    viewport_height: float,
    dpr: float,
    quiet: bool,
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
      http2-push-manifest --check -f index.html
    """
    try:
        result = build_manifest(
            files,
            root=root,
            single=len(files) == 1 and not is_pattern(files[0]),
            viewport=Viewport(viewport_width, viewport_height, dpr),
            include_lazy=include_lazy,
            uniform_weights=uniform_weights,
        )
        text = render(result, fmt)
        _report(result, quiet)
        if check:
            stale = _check(manifest, text)
        else:
            _write(manifest, text)
            stale = False
    except PushManifestError as error:
        raise InputProblem(str(error)) from error
    except Exception as error:
        if debug:
            raise
        raise InternalProblem(
            f"internal error: {type(error).__name__}: {error}. "
            "Rerun with --debug for the traceback and report it."
        ) from error
    problems = [w for w in result.warnings if w.code.strict]
    if strict and problems:
        click.echo(f"error: --strict: {len(problems)} broken reference(s)", err=True)
        sys.exit(EXIT_STALE)
    if stale:
        sys.exit(EXIT_STALE)


def _report(manifest: Manifest, quiet: bool) -> None:
    if quiet:
        return
    for warning in manifest.warnings:
        click.echo(f"warning: {warning}", err=True)


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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="http2-push-manifest")
