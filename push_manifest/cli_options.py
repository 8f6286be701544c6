"""Every option of the command, declared once, each under a ``--help`` heading.

:mod:`push_manifest.cli` stacks them all; ``verify`` (:mod:`push_manifest.verify.command`)
stacks the crawl and filter options it shares with it (:data:`CRAWL_OPTIONS`,
:data:`FILTER_OPTIONS`). The settings keys of ``pyproject.toml`` are these options' long names
(:mod:`push_manifest.config`), and a test holds the README's option table to ``--help``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from push_manifest.cache import CACHE_DIR_NAME
from push_manifest.crawl_options import MAX_PAGE_SIZE as _MAX_PAGE_SIZE
from push_manifest.device import Device
from push_manifest.filters import UNTYPED, parse_size, parse_types
from push_manifest.headers import DEFAULT_HEADER_BUDGET, Routes
from push_manifest.model import Destination
from push_manifest.writers import FORMATS

INPUT = "Input"
OUTPUT = "Output and formats"
SELECTION = "Selection and budgets"
RENDERING = "Rendering and device"
CACHE = "Cache and jobs"
GENERAL = "Messages and help"
HEADINGS = (INPUT, OUTPUT, SELECTION, RENDERING, CACHE, GENERAL)
"""The ``--help`` headings, in order; an option declared without one is under :data:`GENERAL`."""
BROWSER = "Browser and report"
"""``verify``'s own options (its :attr:`GroupedCommand.headings` add this one)."""

_F = TypeVar("_F", bound=Callable[..., Any])
Decorator = Callable[[_F], _F]


class GroupedOption(click.Option):
    """A click option that knows its ``--help`` heading."""

    def __init__(self, *args: Any, group: str = GENERAL, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group


class GroupedCommand(click.Command):
    """A command whose ``--help`` lists its options under :attr:`headings`."""

    headings: tuple[str, ...] = HEADINGS

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records: dict[str, list[tuple[str, str]]] = {heading: [] for heading in self.headings}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                records[getattr(param, "group", GENERAL)].append(record)
        for heading, rows in records.items():
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)


def option(group: str, *decls: str, **attrs: Any) -> Decorator[Any]:
    """``click.option(*decls, **attrs)`` listed under ``group`` in ``--help``."""
    return click.option(*decls, cls=GroupedOption, group=group, **attrs)


def stack(*options: Decorator[Any]) -> Decorator[Any]:
    """The decorators ``options`` as one, in the order given (the first listed first)."""

    def apply(function: Any) -> Any:
        for each in reversed(options):
            function = each(function)
        return function

    return apply


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


# -- input -------------------------------------------------------------------------------------

FILE = option(
    INPUT, "-f", "--file", "files", multiple=True, metavar="PAGE",
    help="An HTML page, a directory (its index.html) or a quoted glob pattern ('dist/**/*.html'). "
    "Repeatable; needed unless pyproject.toml sets 'file'. One page gives the single-page "
    "format; several give one key per page.",
)  # fmt: skip
ROOT = option(
    INPUT, "--root", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="The site's document root: /css/app.css means DIR/css/app.css. "
    "Default: the deepest directory containing every page.",
)  # fmt: skip
MAX_PAGE_SIZE = option(
    INPUT, "--max-page-size", type=_Bytes(), default=_MAX_PAGE_SIZE, metavar="BYTES",
    help="Skip (with a too-large warning) a page, stylesheet or script over this size, and "
    "what it references; 0: no limit. Default 64MiB. Memory grows with the largest file: "
    "about 15-30 times its size.",
)  # fmt: skip


def config_option(
    callback: Callable[[click.Context, click.Parameter, Path | None], object],
) -> Decorator[Any]:
    """``--config FILE``: eager, handled by ``callback`` (which loads the settings)."""
    return option(
        INPUT, "--config", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
        is_eager=True, expose_value=False, callback=callback,
        help="Read settings from this pyproject.toml instead of the nearest one up from the "
        "current directory.",
    )  # fmt: skip


# -- output and formats ------------------------------------------------------------------------

MANIFEST = option(
    OUTPUT, "-m", "--manifest", default="push_manifest.json", show_default=True, metavar="FILE",
    help="Where to write the manifest; '-' for standard output.",
)  # fmt: skip
FORMAT = option(
    OUTPUT, "--format", "fmt", type=click.Choice(sorted(FORMATS)), default="json",
    show_default=True, help="Output format.",
)  # fmt: skip
CHECK = option(
    OUTPUT, "--check", is_flag=True,
    help="Write nothing; exit 1 and print a diff if the manifest on disk is stale.",
)  # fmt: skip
STRICT = option(
    OUTPUT, "--strict/--no-strict",
    help="Exit 1 if a local reference is missing or escapes the root (after reporting all); "
    "nothing is written then.",
)  # fmt: skip
UNIFORM_WEIGHTS = option(
    OUTPUT, "--uniform-weights/--no-uniform-weights",
    help="Write weight 1 for every resource, as the npm tool did.",
)  # fmt: skip
NOPUSH = option(
    OUTPUT, "--nopush", is_flag=True,
    help="Header formats: add nopush to the final response's links (preload only; Apache: "
    "also H2Push off). A 103 Early Hints link never carries it.",
)  # fmt: skip
EARLY_HINTS = option(
    OUTPUT, "--early-hints", is_flag=True,
    help="Header formats: only what belongs in a 103 Early Hints response, in the form "
    "Chromium acts on there (no nopush, media or imagesrcset; a srcset image only when all "
    "its candidates are one URL). --format apache writes its 103 lines in that form anyway.",
)  # fmt: skip
HEADER_BUDGET = option(
    OUTPUT, "--header-budget", type=click.IntRange(min=0), default=DEFAULT_HEADER_BUDGET,
    show_default=True, metavar="BYTES",
    help="Header formats: per-page Link header limit; the lowest weights are dropped first, "
    "with a warning. 0: no limit.",
)  # fmt: skip
ROUTES = option(
    OUTPUT, "--routes", type=click.Choice([r.value for r in Routes]), default=Routes.HTML.value,
    show_default=True,
    help="Header formats: how the server maps pages to URLs: /blog/post.html (html) or "
    "/blog/post (extensionless). index.html is always also its directory, /blog/.",
)  # fmt: skip

# -- selection and budgets ---------------------------------------------------------------------

INCLUDE = option(
    SELECTION, "--include", multiple=True, metavar="GLOB",
    help="Keep only resources whose URL path matches (repeatable). '*' stays in one segment, "
    "'**' crosses them; a pattern without a leading '/' matches at any depth ('*.png').",
)  # fmt: skip
EXCLUDE = option(
    SELECTION, "--exclude", multiple=True, metavar="GLOB",
    help="Leave out resources whose URL path matches (repeatable; wins over --include).",
)  # fmt: skip
TYPES = option(
    SELECTION, "--types", multiple=True, type=_Types(), metavar="LIST",
    help="Keep only these types, comma-separated: style, script, font, image, document, fetch, "
    f"track, audio, video, worker, {UNTYPED} (untyped). Repeatable.",
)  # fmt: skip
MAX_DEPTH = option(
    SELECTION, "--max-depth", type=click.IntRange(min=1), metavar="N",
    help="Per page, keep resources at most N documents away (1: referenced by the page itself, "
    "2: by its stylesheets and imports, ...).",
)  # fmt: skip
MAX_RESOURCES = option(
    SELECTION, "--max-resources", type=click.IntRange(min=0), metavar="N",
    help="Per page, keep at most the N highest-weight resources.",
)  # fmt: skip
BUDGET = option(
    SELECTION, "--budget", type=_Bytes(), metavar="BYTES",
    help="Per page, keep in weight order each resource whose file still fits in BYTES on disk "
    "(14000, 14kB, 16KiB, 1MB).",
)  # fmt: skip
INCLUDE_LAZY = option(
    SELECTION, "--include-lazy/--no-include-lazy",
    help="Also list what loads later or on demand: loading=lazy images and frames far from the "
    "first viewport, dynamic import(), workers.",
)  # fmt: skip

# -- rendering and device ----------------------------------------------------------------------

DEVICE = option(
    RENDERING, "--device", type=click.Choice([str(d) for d in Device]),
    default=str(Device.DESKTOP), show_default=True,
    help="Device profile: desktop is 1280x800 at DPR 1 with a mouse; mobile is 390x844 at "
    "DPR 3, touch only (hover: none, pointer: coarse), pages without <meta name=viewport> laid "
    "out 980 px wide. Run once per device for servers that vary on the client.",
)  # fmt: skip
VIEWPORT_WIDTH = option(
    RENDERING, "--viewport-width", type=click.FloatRange(min=1), metavar="PX",
    help="Viewport width in CSS px, for srcset, sizes and media queries "
    "[default: the device's, 1280 on desktop].",
)  # fmt: skip
VIEWPORT_HEIGHT = option(
    RENDERING, "--viewport-height", type=click.FloatRange(min=1), metavar="PX",
    help="Viewport height in CSS px, for media queries [default: the device's, 800 on desktop].",
)  # fmt: skip
DPR = option(
    RENDERING, "--dpr", type=click.FloatRange(min=0.1), metavar="RATIO",
    help="Device pixel ratio, for srcset and image-set() [default: the device's, 1 on desktop].",
)  # fmt: skip
PRUNE = option(
    RENDERING, "--prune/--no-prune", default=True, show_default=True,
    help="Leave out what the page's first render does not fetch (CSS images and fonts of rules "
    "that do not apply at the viewport). --no-prune lists every reference found.",
)  # fmt: skip
INSTALLED_FONT = option(
    RENDERING, "--installed-font", "installed_fonts", multiple=True, metavar="FAMILY",
    help="Count FAMILY as installed on your visitors' devices: a web font after it in a "
    "font-family list, or one whose src starts with local(FAMILY), is not listed "
    "(repeatable). Always counted: Arial, Helvetica, Times New Roman, Times, Courier New, "
    "Courier.",
)  # fmt: skip

# -- cache and jobs ----------------------------------------------------------------------------

CACHE_DIR = option(
    CACHE, "--cache-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="The incremental cache: a re-run re-parses only files that changed. Default: "
    f"{CACHE_DIR_NAME}/ beside the pyproject.toml that holds the settings, else a directory "
    "per site root under ~/.cache/http2-push-manifest/sites/ (never the current directory).",
)  # fmt: skip
NO_CACHE = option(
    CACHE, "--no-cache", is_flag=True, help="Neither read nor write the incremental cache."
)
JOBS = option(
    CACHE, "--jobs", type=click.IntRange(min=1), metavar="N",
    help="Crawl with N processes. Default: one per core (small sites use one). "
    "The output is the same whatever N is.",
)  # fmt: skip

# -- messages and help -------------------------------------------------------------------------

QUIET = option(
    GENERAL, "-q", "--quiet", is_flag=True,
    help="Print no warnings, no progress bar and no summary line.",
)  # fmt: skip
VERBOSE = option(
    GENERAL, "--verbose", is_flag=True,
    help="List every resource of every page with why it is there (construct, referring file), "
    "what the filters cut, and what pruning left out and why.",
)  # fmt: skip
DEBUG = option(GENERAL, "--debug", is_flag=True, help="Show the traceback of an internal error.")

CRAWL_OPTIONS: Sequence[Decorator[Any]] = (
    MAX_PAGE_SIZE, DEVICE, VIEWPORT_WIDTH, VIEWPORT_HEIGHT, DPR, PRUNE, INSTALLED_FONT,
    INCLUDE_LAZY, UNIFORM_WEIGHTS, JOBS,
)  # fmt: skip
"""The crawl options ``verify`` shares with the main command: what decides the manifest it
compares (and ``--uniform-weights``, the weights ``--observe`` writes), and ``--jobs``."""
FILTER_OPTIONS: Sequence[Decorator[Any]] = (
    INCLUDE, EXCLUDE, TYPES, MAX_DEPTH, MAX_RESOURCES, BUDGET,
)  # fmt: skip
"""The filters ``verify`` shares with the main command."""
NOT_VERIFY = frozenset(
    {"manifest", "format", "check", "strict", "nopush", "early-hints", "header-budget",
     "routes", "cache-dir", "no-cache", "verbose", "debug"}
)  # fmt: skip
"""The main command's settings keys that ``verify`` passes over in ``pyproject.toml``: how the
manifest is written or checked, the cache, messages. (``verify``'s own ``--manifest`` is a file
to compare with, never the main command's output path.)"""
