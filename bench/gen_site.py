"""A seeded, deterministic generator of realistic static sites for the benchmark.

``generate_site(root, pages, seed, profile)`` writes a site of ``pages`` HTML pages under ``root``.
The same ``(pages, seed, profile)`` gives the same bytes on every run and machine: every random
choice comes from a ``random.Random`` seeded with a string built from the seed and the file being
written (string seeds are hashed with SHA-512, never with ``hash()``), and nothing iterates a set
or reads the clock.

Two profiles: ``framework`` (:mod:`bench.gen_framework`: hashed chunks, inline scoped styles,
``unicode-range`` fonts, as Astro, Next.js and VitePress emit) and ``classic``, the default. What a
classic site holds (the issue "Speed", part 1):

- pages of 10-60 KB (headings, paragraphs, nav, footer, tables, code) at the root and in one or two
  levels of subfolders, referring to assets with ``../`` paths (and some root-absolute ``/`` paths);
- 2-4 stylesheets per page: ``css/base.css`` is linked by every page, ``css/print.css`` and the
  page's section sheet by some, and at least one sheet specific to the page;
- 2-5 scripts per page, exactly one of them ``type=module`` (its section's module, which imports
  shared modules, one pair of them importing each other);
- 5-30 images per page: ``srcset`` with ``w`` and ``x`` descriptors, ``<picture>`` with type and
  media sources, lazy images, a video poster, SVG icons, ``data:`` placeholders, external and
  missing images;
- inline ``style=""`` attributes and ``<style>`` elements with ``url()``;
- CSS files of 5-50 KB with ``@import`` chains of depth 3 (page sheet → component → component →
  component, and ``base.css`` → typography → tokens → reset) and one cycle (reset → base),
  ``url()`` in every quoting style, ``image-set()`` and ``-webkit-image-set()``, ``@font-face``
  with several formats, ``data:`` URIs, external URLs and references to missing files;
- constructs a browser does not fetch: ``<a href>``, ``<template>``, ``<noscript>``, comments,
  JSON-LD blocks, an ``<iframe>``.

Every local file a page or stylesheet refers to exists, except those under ``*/retired/``, which
are never written: they are the site's missing references.
"""

from __future__ import annotations

import argparse
import posixpath
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 1
"""Bumped whenever the classic output (or code both profiles share) changes, so that cached
sites are regenerated."""
FRAMEWORK_VERSION = 1
"""Bumped whenever the framework profile's own output changes."""
PROFILES = ("classic", "framework")

KB = 1024
PAGE_MIN, PAGE_MAX = 10 * KB, 60 * KB
CSS_MIN, CSS_MAX = 5 * KB, 50 * KB
MARKER = ".bench-site"
"""File written last in a complete site: :func:`marker_text`."""

_WORD_TEXT = (
    "able about above access account action active actual adapt admin advice after again agent "
    "agree ahead alarm album alert align alpha amber anchor angle answer apple april arch area "
    "array asset atlas audio august autumn avenue badge baker balance banner basic basket beach "
    "beacon berry binary birch black blade blank block bloom board border bottom branch brave "
    "bridge bright broad brook bucket budget buffer button cabin cable cache camera canal canvas "
    "carbon cargo castle cedar center chain chapter charge chart check cherry circle civic "
    "clear client cliff clock cloud coast cobalt column comet common copper coral corner cotton "
    "craft crane create credit crystal cursor custom daily dance delta depth design detail "
    "digital direct domain double draft dragon drift eagle early earth echo edge editor effect "
    "elder ember empty energy engine entry equal event exact fabric falcon feature field figure "
    "filter final flame flash fleet float flower focus forest format frame fresh frost future "
    "galaxy garden gather gentle glacier global golden grain graph gravel green grid growth "
    "guide harbor harvest header heart height hidden honey horizon hybrid index indigo inner "
    "input island ivory jasmine journal jungle keeper kernel ladder lagoon laser layer leader "
    "legend lemon level light linen liquid little lotus lunar magnet maple marble market meadow "
    "medium memory metal meteor middle mirror model modern module moment motion mountain native "
    "nature needle nickel noble north notice number object ocean olive onyx orbit origin outer "
    "palace panel paper parcel pastel pebble pepper phase pilot pixel planet plaza pocket polar "
    "portal prairie prism public pulse quartz quiet radar radius rapid raven record region "
    "ribbon ridge river rocket rough royal ruby saddle salmon sample scale scarlet screen season "
    "second shadow shelter signal silver simple sketch slate solar sonic spark spiral spring "
    "square stable static stone storm stream summit sunset surface switch symbol table talent "
    "temple thread timber token topaz tower trail travel tundra update urban valley vapor "
    "velvet vector violet vision volume voyage walnut water willow window winter wonder yellow "
    "zenith zephyr"
)
WORDS = tuple(_WORD_TEXT.split())

SITE_NAME = "Northwind Field Notes"
FONT_FAMILIES = (("inter", (400, 600, 700)), ("merriweather", (400, 700)), ("firacode", (400,)))
IMAGE_WIDTHS = (480, 960, 1600)
UI_IMAGES = tuple(
    [f"img/ui/icons/{name}.svg" for name in WORDS[:24]]
    + [f"img/ui/patterns/{name}.png" for name in WORDS[24:40]]
    + [f"img/ui/{name}@2x.png" for name in WORDS[40:52]]
    + ["img/ui/hero banner.jpg", "img/ui/logo.svg", "img/ui/apple-touch-icon.png"]
)
JS_MODULES = ("dom", "events", "router", "store", "format", "api", "charts", "search")
MODULE_IMPORTS = {
    "dom": ("events",),
    "events": (),
    "router": ("store", "events"),
    "store": ("router",),  # a cycle, as real module graphs have
    "format": (),
    "api": ("format", "store"),
    "charts": ("dom", "format"),
    "search": ("api", "dom"),
}
DATA_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
    "hgGAWjR9awAAAABJRU5ErkJggg=="
)
DATA_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
DATA_SVG = (
    "data:image/svg+xml;charset=utf8,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'"
    "%3E%3Cpath fill='%23c0ffee' d='M0 0h4v4H0zM4 4h4v4H4z'/%3E%3C/svg%3E"
)
EXTERNAL_IMAGES = (
    "https://images.example-cdn.com/photos/{w}/{n}.jpg?auto=format&w={w}",
    "//static.example.org/img/{n}-{w}.png",
    "http://legacy.example.net/media/{n}.gif",
)
MAGIC = {
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".gif": b"GIF89a\x01\x00\x01\x00",
    ".webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    ".avif": b"\x00\x00\x00\x1cftypavif",
    ".svg": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M2 2h20v20z"/>',
    ".woff2": b"wOF2\x00\x01\x00\x00",
    ".woff": b"wOFF\x00\x01\x00\x00",
    ".ttf": b"\x00\x01\x00\x00\x00\x0f\x00\x80",
    ".eot": b"\x00\x10\x00\x00\x01\x00\x02\x00",
    ".ico": b"\x00\x00\x01\x00\x01\x00\x10\x10",
    ".mp4": b"\x00\x00\x00\x18ftypmp42",
    ".vtt": b"WEBVTT\n\n00:00.000 --> 00:02.000\nField notes\n",
}


def _rng(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible stream for one file or decision of one site."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page of the plan."""

    index: int
    path: str
    """Root-relative, ``/``-separated."""
    section: str
    stem: str
    title: str

    @property
    def dir(self) -> str:
        return posixpath.dirname(self.path)


@dataclass(frozen=True, slots=True)
class Plan:
    """The site-wide decisions every file generator needs."""

    seed: int
    pages: tuple[Page, ...]
    sections: tuple[str, ...]
    components: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    """Component stylesheet paths by layer: layer 1 imports layer 2, which imports layer 3."""
    photos: tuple[str, ...]
    """Base names of the photo pool (``img/gallery/<name>-<width>.<ext>``)."""


@dataclass(slots=True)
class SiteStats:
    """What :func:`generate_site` wrote."""

    pages: int = 0
    files: int = 0
    html_bytes: int = 0
    css_bytes: int = 0
    css_files: int = 0
    other_bytes: int = 0
    seconds: float = 0.0
    assets: set[str] = field(default_factory=set)
    """Root-relative paths of referenced binary assets (written at the end)."""


def plan_site(pages: int, seed: int) -> Plan:
    """Decide the page list, sections, component stylesheets and photo pool."""
    if pages < 1:
        raise ValueError("a site needs at least one page")
    rng = _rng(seed, "plan", pages)
    n_sections = max(2, min(40, pages // 25))
    sections = tuple(sorted(rng.sample(WORDS, n_sections)))
    subsections = {s: tuple(sorted(rng.sample(WORDS, 4))) for s in sections}
    plan_pages = [Page(0, "index.html", sections[0], "index", "Home")]
    for i in range(1, pages):
        section = rng.choice(sections)
        words = rng.sample(WORDS, 3)
        stem = f"{words[0]}-{words[1]}-{i:05d}"
        depth = rng.choices((0, 1, 2), weights=(5, 45, 50))[0]
        if depth == 0:
            path = f"{stem}.html"
        elif depth == 1:
            path = f"{section}/{stem}.html"
        else:
            path = f"{section}/{rng.choice(subsections[section])}/{stem}.html"
        title = " ".join(w.capitalize() for w in words)
        plan_pages.append(Page(i, path, section, stem, title))
    n_comp = max(12, pages // 10)
    names = [f"css/components/{rng.choice(WORDS)}-{k:04d}.css" for k in range(n_comp)]
    third = n_comp // 3
    components = (tuple(names[2 * third :]), tuple(names[third : 2 * third]), tuple(names[:third]))
    photos = tuple(f"{rng.choice(WORDS)}-{k:05d}" for k in range(max(40, pages // 2)))
    return Plan(seed, tuple(plan_pages), sections, components, photos)


def _url(rng: random.Random, from_dir: str, target: str, absolute: float = 0.15) -> str:
    """How a document in ``from_dir`` refers to root-relative ``target``: mostly relative."""
    if rng.random() < absolute:
        return "/" + target
    return posixpath.relpath(target, from_dir or ".")


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "!"))


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


# --- CSS ------------------------------------------------------------------------------------

PROPS: tuple[tuple[str, Callable[[random.Random], str]], ...] = (
    ("color", lambda r: f"#{r.randrange(0x1000000):06x}"),
    (
        "background-color",
        lambda r: f"rgb({r.randrange(256)} {r.randrange(256)} {r.randrange(256)})",
    ),
    ("margin", lambda r: f"{r.randint(0, 4)}rem {r.randint(0, 3)}rem"),
    ("padding", lambda r: f"{r.randint(0, 32)}px {r.randint(0, 48)}px"),
    ("font-size", lambda r: f"{r.choice((0.75, 0.875, 1, 1.125, 1.25, 1.5, 2))}rem"),
    ("line-height", lambda r: f"{r.choice((1.2, 1.4, 1.5, 1.6))}"),
    ("display", lambda r: r.choice(("block", "flex", "grid", "inline-block", "none"))),
    ("grid-template-columns", lambda r: f"repeat({r.randint(2, 6)}, minmax(0, 1fr))"),
    ("border", lambda r: f"{r.randint(1, 3)}px solid hsl({r.randrange(360)} 40% 60%)"),
    ("border-radius", lambda r: f"{r.randint(0, 16)}px"),
    (
        "box-shadow",
        lambda r: f"0 {r.randint(1, 8)}px {r.randint(2, 24)}px rgba(0,0,0,.{r.randint(1, 5)})",
    ),
    ("transition", lambda r: f"opacity {r.randint(1, 9)}00ms ease-in-out"),
    ("font-family", lambda r: r.choice(('"Inter", system-ui, sans-serif', "Merriweather, serif"))),
    ("gap", lambda r: f"{r.randint(0, 3)}rem"),
    ("max-width", lambda r: f"{r.choice((40, 60, 72, 80, 96))}rem"),
)


def _selector(rng: random.Random) -> str:
    parts = [f".{rng.choice(WORDS)}-{rng.choice(WORDS)}"]
    if rng.random() < 0.5:
        parts.append(rng.choice(("a", "p", "li", "h2", "img", "span", f".{rng.choice(WORDS)}")))
    sel = " > ".join(parts) if rng.random() < 0.3 else " ".join(parts)
    if rng.random() < 0.2:
        sel += rng.choice((":hover", ":focus-visible", "::before", ":first-child"))
    return sel


def _rule(rng: random.Random, extra: str = "") -> str:
    decls = [f"  {p}: {v(rng)};" for p, v in rng.sample(PROPS, rng.randint(2, 6))]
    if extra:
        decls.insert(rng.randrange(len(decls) + 1), f"  {extra};")
    return f"{_selector(rng)} {{\n" + "\n".join(decls) + "\n}\n"


QUOTES = ("{u}", "'{u}'", '"{u}"', ' "{u}" ', "  {u}  ")
"""``url()`` argument spellings: unquoted, single, double, padded quoted, padded unquoted."""


def _css_url(rng: random.Random, url: str, style: int | None = None) -> str:
    q = QUOTES[rng.randrange(len(QUOTES)) if style is None else style]
    return "url(" + q.format(u=url) + ")"


class CssWriter:
    """Builds one stylesheet of a target size; relative URLs resolve from ``path``'s folder."""

    def __init__(self, plan: Plan, stats: SiteStats, path: str, rng: random.Random) -> None:
        self.plan, self.stats, self.path, self.rng = plan, stats, path, rng
        self.dir = posixpath.dirname(path)
        self.head: list[str] = []
        self.body: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.body.append(text)
        self.size += len(text)

    def ref(self, target: str) -> str:
        self.stats.assets.add(target)
        return _url(self.rng, self.dir, target, absolute=0.1)

    def photo(self, width: int | None = None, ext: str = "jpg") -> str:
        w = width or self.rng.choice(IMAGE_WIDTHS)
        return self.ref(f"img/gallery/{self.rng.choice(self.plan.photos)}-{w}.{ext}")

    def ui(self) -> str:
        return self.ref(self.rng.choice(UI_IMAGES[:-3]))

    def imports(self, targets: Sequence[str]) -> None:
        for t in targets:
            u = posixpath.relpath(t, self.dir)
            form = self.rng.randrange(4)
            if form == 0:
                self.head.append(f'@import "{u}";\n')
            elif form == 1:
                self.head.append(f"@import url({u});\n")
            elif form == 2:
                self.head.append(f"@import url('{u}') screen and (min-width: 40em);\n")
            else:
                self.head.append(f'@import url("{u}") layer(components);\n')

    def font_face(self, family: str, weight: int) -> None:
        stem = f"fonts/{family}-{weight}"
        eot = posixpath.relpath(stem + ".eot", self.dir)
        for ext in ("eot", "woff2", "woff", "ttf"):
            self.stats.assets.add(f"{stem}.{ext}")
        self.add(
            "@font-face {\n"
            f'  font-family: "{family.capitalize()}";\n'
            f"  font-weight: {weight};\n  font-style: normal;\n  font-display: swap;\n"
            f'  src: url("{eot}");\n'
            f'  src: url("{eot}?#iefix") format("embedded-opentype"),\n'
            f'       {_css_url(self.rng, self.ref(stem + ".woff2"))} format("woff2"),\n'
            f'       {_css_url(self.rng, self.ref(stem + ".woff"))} format("woff"),\n'
            f'       {_css_url(self.rng, self.ref(stem + ".ttf"))} format("truetype");\n'
            "}\n"
        )

    def image_set(self) -> None:
        base = f"img/gallery/{self.rng.choice(self.plan.photos)}"
        a, b = (self.ref(f"{base}-{w}.jpg") for w in IMAGE_WIDTHS[:2])
        form = self.rng.randrange(3)
        if form == 0:
            value = f'image-set("{a}" 1x, "{b}" 2x)'
        elif form == 1:
            value = f"-webkit-image-set({_css_url(self.rng, a)} 1x, {_css_url(self.rng, b)} 2x)"
        else:
            avif = self.ref(f"{base}-{IMAGE_WIDTHS[1]}.avif")
            value = (
                f'image-set(url("{avif}") type("image/avif"), {_css_url(self.rng, b, 2)} '
                'type("image/jpeg"))'
            )
        self.add(_rule(self.rng, f"background-image: {value}"))

    def url_rule(self) -> None:
        r = self.rng.random()
        if r < 0.5:
            u = self.photo()
        elif r < 0.9:
            u = self.ui()
        elif r < 0.95:
            if self.rng.random() < 0.5:
                # The SVG holds quotes and spaces: only a double-quoted url() can carry it.
                self.add(_rule(self.rng, f"background-image: {_css_url(self.rng, DATA_SVG, 2)}"))
                return
            u = DATA_PNG
        else:
            n = self.rng.choice(WORDS)
            u = self.rng.choice(EXTERNAL_IMAGES).format(w=960, n=n)
        prop = self.rng.choice(("background-image", "background", "list-style-image", "cursor"))
        value = _css_url(self.rng, u)
        if prop == "background":
            value += " no-repeat center / cover"
        elif prop == "cursor":
            value += ", pointer"
        self.add(_rule(self.rng, f"{prop}: {value}"))

    def fill(self, target: int, url_every: float) -> None:
        """Append rules (some with images, some in ``@media``/``@supports``) up to ``target``."""
        rng = self.rng
        while self.size + sum(map(len, self.head)) < target:
            x = rng.random()
            if x < url_every:
                self.url_rule()
            elif x < url_every + 0.03:
                self.image_set()
            elif x < url_every + 0.08:
                inner = "".join(
                    "  " + line + "\n"
                    for r in range(rng.randint(1, 3))
                    for line in _rule(rng).splitlines()
                )
                cond = rng.choice(
                    (
                        "@media (min-width: 768px)",
                        "@media (prefers-color-scheme: dark)",
                        "@supports (display: grid)",
                        "@media print",
                    )
                )
                self.add(f"{cond} {{\n{inner}}}\n")
            else:
                self.add(_rule(rng))

    def write(self, root: Path) -> None:
        head = "".join(self.head)
        header = f"/* {self.path} - {SITE_NAME} */\n"
        # @charset counts only as the very first bytes of a file (CSS Syntax §3.2).
        if head.startswith("@charset"):
            first, _, rest = head.partition("\n")
            head, header = rest, first + "\n" + header
        text = header + head + "".join(self.body)
        data = text.encode()
        _write(root / self.path, data)
        self.stats.css_files += 1
        self.stats.css_bytes += len(data)


def _css_size(rng: random.Random) -> int:
    """5-50 KB, most sheets small, as on real sites."""
    return int(CSS_MIN + 256 + (CSS_MAX - CSS_MIN - 2 * KB) * rng.random() ** 2)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_shared_css(root: Path, plan: Plan, stats: SiteStats) -> None:
    """``base.css`` → typography → tokens → reset → ``base.css`` (depth 3, one cycle), print,
    sections and the three layers of components."""
    seed = plan.seed
    chain = (
        ("css/base.css", "css/partials/typography.css"),
        ("css/partials/typography.css", "css/partials/tokens.css"),
        ("css/partials/tokens.css", "css/partials/reset.css"),
        ("css/partials/reset.css", "css/base.css"),
    )
    for path, imported in chain:
        w = CssWriter(plan, stats, path, _rng(seed, path))
        if path == "css/base.css":
            w.head.append('@charset "utf-8";\n')
        w.imports([imported])
        if path == "css/partials/typography.css":
            for family, weights in FONT_FAMILIES:
                for weight in weights:
                    w.font_face(family, weight)
        if path == "css/base.css":
            for style in range(len(QUOTES)):
                w.add(_rule(w.rng, f"background-image: {_css_url(w.rng, w.ui(), style)}"))
            w.image_set()
            w.add(_rule(w.rng, f"background: {_css_url(w.rng, DATA_SVG, 2)} repeat"))
            w.add(_rule(w.rng, f"list-style-image: {_css_url(w.rng, DATA_PNG, 0)}"))
            ext = EXTERNAL_IMAGES[0].format(w=480, n="grain")
            w.add(_rule(w.rng, f"background-image: {_css_url(w.rng, ext, 1)}"))
            banner = w.ref("img/ui/hero banner.jpg").replace(" ", "%20")
            w.add(_rule(w.rng, f'background-image: url("{banner}")'))
            retired = posixpath.relpath("img/retired/paper-texture.png", w.dir)
            w.add(_rule(w.rng, f"background-image: url({retired})"))
        w.fill(_css_size(w.rng), 0.12)
        w.write(root)
    w = CssWriter(plan, stats, "css/print.css", _rng(seed, "css/print.css"))
    w.fill(CSS_MIN + KB, 0.02)
    w.write(root)
    l1, l2, l3 = plan.components
    for section in plan.sections:
        path = f"css/sections/{section}.css"
        w = CssWriter(plan, stats, path, _rng(seed, path))
        w.imports(w.rng.sample(l1, 1))
        w.fill(_css_size(w.rng), 0.1)
        w.write(root)
    for layer, imports in ((l1, l2), (l2, l3), (l3, ())):
        for path in layer:
            w = CssWriter(plan, stats, path, _rng(seed, path))
            if imports:
                w.imports(w.rng.sample(imports, min(len(imports), w.rng.randint(1, 2))))
            if w.rng.random() < 0.2:
                family, weights = w.rng.choice(FONT_FAMILIES)
                w.font_face(family, w.rng.choice(weights))
            w.fill(_css_size(w.rng), 0.08)
            w.write(root)


def _write_page_css(root: Path, plan: Plan, stats: SiteStats, path: str, first: bool) -> None:
    w = CssWriter(plan, stats, path, _rng(plan.seed, path))
    l1 = plan.components[0]
    n_imports = 1 if first else w.rng.choices((0, 1, 2), weights=(3, 5, 2))[0]
    w.imports(w.rng.sample(l1, n_imports))
    if w.rng.random() < 0.1:
        family, weights = w.rng.choice(FONT_FAMILIES)
        w.font_face(family, w.rng.choice(weights))
    if first or w.rng.random() < 0.05:
        w.add(
            _rule(
                w.rng, f"background-image: url('{posixpath.relpath('img/retired/x.png', w.dir)}')"
            )
        )
    w.fill(_css_size(w.rng), 0.1)
    w.write(root)


# --- JavaScript -----------------------------------------------------------------------------


def _ident(rng: random.Random) -> str:
    """A camelCase identifier: two words, so never a reserved word."""
    return rng.choice(WORDS) + rng.choice(WORDS).capitalize()


def _js(rng: random.Random, size: int) -> str:
    """Valid (strict-mode) JavaScript of about ``size`` characters."""
    out: list[str] = []
    n = 0
    while n < size:
        name, local = f"{_ident(rng)}{rng.randrange(100)}", _ident(rng)
        body = (
            f"function {name}(el, opts) {{\n"
            f"  const {local} = (opts && opts.{_ident(rng)}) || {rng.randrange(999)};\n"
            f"  el.classList.toggle('{rng.choice(WORDS)}-{rng.choice(WORDS)}', {local} > 99);\n"
            f"  return el.dataset.{_ident(rng)} === '{rng.choice(WORDS)}';\n}}\n"
        )
        out.append(body)
        n += len(body)
    return "".join(out)


def _write_js(root: Path, plan: Plan, stats: SiteStats) -> None:
    seed = plan.seed

    def put(path: str, text: str) -> None:
        data = text.encode()
        _write(root / path, data)
        stats.other_bytes += len(data)
        stats.files += 1

    put("js/vendor.js", "/*! vendor bundle */\n" + _js(_rng(seed, "vendor"), 60 * KB))
    put("js/analytics.js", _js(_rng(seed, "analytics"), 4 * KB))
    put(
        "js/legacy/bundle.js",
        "/* ES5 build for browsers without modules */\n" + _js(_rng(seed, "legacy"), 40 * KB),
    )
    for name in JS_MODULES:
        rng = _rng(seed, "module", name)
        lines = [f"import {{ {d}Init }} from './{d}.mjs';\n" for d in MODULE_IMPORTS[name]]
        lines.append(f"export function {name}Init() {{ return {rng.randrange(1000)}; }}\n")
        lines.append(_js(rng, rng.randint(2, 12) * KB))
        put(f"js/modules/{name}.mjs", "".join(lines))
    for section in plan.sections:
        rng = _rng(seed, "section-js", section)
        used = sorted(rng.sample(JS_MODULES, rng.randint(2, 3)))
        lines = [f"import {{ {m}Init }} from '../modules/{m}.mjs';\n" for m in used]
        if rng.random() < 0.5:
            lines.append("const lazy = () => import('../modules/charts.mjs');\n")
        lines.append(_js(rng, rng.randint(1, 6) * KB))
        put(f"js/sections/{section}.mjs", "".join(lines))


# --- HTML -----------------------------------------------------------------------------------

IMAGE_KINDS = (
    "img",
    "srcset-w",
    "srcset-x",
    "picture-type",
    "picture-media",
    "lazy",
    "data",
    "external",
    "icon",
    "video",
    "missing",
)
IMAGE_WEIGHTS = (14, 20, 8, 14, 6, 18, 4, 4, 8, 2, 2)


class PageWriter:
    """Builds one page; collects the binary assets it refers to."""

    def __init__(self, plan: Plan, stats: SiteStats, page: Page, root: Path) -> None:
        self.plan, self.stats, self.page, self.root = plan, stats, page, root
        self.rng = _rng(plan.seed, "page", page.path)
        self.dir = page.dir

    def u(self, target: str, asset: bool = True) -> str:
        if asset:
            self.stats.assets.add(target)
        return _url(self.rng, self.dir, target)

    def photo_set(self, ext: str = "jpg", widths: Sequence[int] = IMAGE_WIDTHS) -> tuple[str, str]:
        """A ``w``-descriptor srcset over one photo, and its middle-size URL."""
        name = self.rng.choice(self.plan.photos)
        urls = [self.u(f"img/gallery/{name}-{w}.{ext}") for w in widths]
        srcset = ", ".join(f"{u} {w}w" for u, w in zip(urls, widths, strict=True))
        return srcset, urls[len(urls) // 2]

    def image(self, kind: str) -> str:
        rng = self.rng
        alt = _sentence(rng)[:-1]
        sizes = rng.choice(
            (
                "(min-width: 1024px) 50vw, 100vw",
                "(max-width: 600px) 100vw, 720px",
                "100vw",
                "(min-width: 1280px) 33vw, 90vw",
            )
        )
        if kind == "img":
            _, src = self.photo_set()
            return f'<img src="{src}" alt="{alt}" width="960" height="640">'
        if kind in ("srcset-w", "lazy"):
            srcset, src = self.photo_set()
            lazy = ' loading="lazy" decoding="async"' if kind == "lazy" else ""
            return f'<img src="{src}" srcset="{srcset}" sizes="{sizes}" alt="{alt}"{lazy}>'
        if kind == "srcset-x":
            name = rng.choice(self.plan.photos)
            one, two = (self.u(f"img/gallery/{name}-{w}.jpg") for w in IMAGE_WIDTHS[:2])
            return f'<img src="{one}" srcset="{one} 1x, {two} 2x" alt="{alt}">'
        if kind == "picture-type":
            avif, _ = self.photo_set("avif")
            webp, _ = self.photo_set("webp")
            jpg, src = self.photo_set()
            return (
                "<picture>\n"
                f'  <source type="image/avif" srcset="{avif}" sizes="{sizes}">\n'
                f'  <source type="image/webp" srcset="{webp}" sizes="{sizes}">\n'
                f'  <img src="{src}" srcset="{jpg}" sizes="{sizes}" alt="{alt}">\n'
                "</picture>"
            )
        if kind == "picture-media":
            wide, _ = self.photo_set(widths=IMAGE_WIDTHS[1:])
            narrow, src = self.photo_set(widths=IMAGE_WIDTHS[:2])
            return (
                "<picture>\n"
                f'  <source media="(min-width: 900px)" srcset="{wide}" sizes="80vw">\n'
                f'  <img src="{src}" srcset="{narrow}" sizes="100vw" alt="{alt}">\n'
                "</picture>"
            )
        if kind == "data":
            return f'<img src="{rng.choice((DATA_GIF, DATA_PNG))}" alt="" width="1" height="1">'
        if kind == "external":
            ext = rng.choice(EXTERNAL_IMAGES).format(w=960, n=rng.choice(WORDS))
            return f'<img src="{ext.replace("&", "&amp;")}" alt="{alt}">'
        if kind == "icon":
            return f'<img src="{self.u(rng.choice(UI_IMAGES[:24]))}" alt="" width="24" height="24">'
        if kind == "video":
            poster = self.photo_set()[1]
            clip = self.u("media/field-clip.mp4")
            track = self.u("media/field-clip.en.vtt")
            return (
                f'<video controls preload="none" poster="{poster}">\n'
                f'  <source src="{clip}" type="video/mp4">\n'
                f'  <track src="{track}" kind="subtitles" srclang="en" label="English">\n'
                "</video>"
            )
        retired = self.u(f"img/retired/{rng.choice(WORDS)}.jpg", asset=False)
        return f'<img src="{retired}" alt="{alt}">'

    def stylesheets(self) -> list[str]:
        """2-4 sheets: base (all pages), then print/section (shared), then page-specific."""
        rng, page = self.rng, self.page
        n = rng.randint(2, 4)
        specific = rng.randint(1, n - 1)
        shared = rng.sample(["print", "section"], n - 1 - specific)
        out = [f'<link rel="stylesheet" href="{self.u("css/base.css", False)}?v=7c1e2a">']
        if "section" in shared:
            href = self.u(f"css/sections/{page.section}.css", False)
            out.append(f'<link rel="stylesheet" href="{href}">')
        for k in range(specific):
            path = f"css/pages/{page.stem}{'' if k == 0 else f'-{k + 1}'}.css"
            _write_page_css(
                self.root, self.plan, self.stats, path, first=page.index == 0 and k == 0
            )
            out.append(f'<link rel="stylesheet" href="{self.u(path, False)}">')
        if "print" in shared:
            out.append(
                f'<link rel="stylesheet" href="{self.u("css/print.css", False)}" media="print">'
            )
        return out

    def scripts(self) -> tuple[list[str], list[str]]:
        """2-5 scripts, one module: (in head, at end of body)."""
        rng, page = self.rng, self.page
        vendor = self.u("js/vendor.js", False)
        module = self.u(f"js/sections/{page.section}.mjs", False)
        head = [
            f'<script src="{vendor}"></script>',
            f'<script type="module" src="{module}"></script>',
        ]
        tail: list[str] = []
        extras = ["analytics", "page", "legacy", "gtag", "missing"]
        n = rng.randint(3 if page.index == 0 else 2, 5)
        picked = ["missing"] if page.index == 0 else []
        picked += rng.sample([e for e in extras if e not in picked], n - 2 - len(picked))
        for extra in extras:
            if extra not in picked:
                continue
            if extra == "analytics":
                head.append(f'<script async src="{self.u("js/analytics.js", False)}"></script>')
            elif extra == "page":
                path = f"js/pages/{page.stem}.js"
                text = _js(_rng(self.plan.seed, path), rng.randint(1, 8) * KB).encode()
                _write(self.root / path, text)
                self.stats.other_bytes += len(text)
                self.stats.files += 1
                tail.append(f'<script defer src="{self.u(path, False)}"></script>')
            elif extra == "legacy":
                tail.append(
                    f'<script nomodule defer src="{self.u("js/legacy/bundle.js", False)}"></script>'
                )
            elif extra == "gtag":
                head.append(
                    '<script async src="https://www.googletagmanager.com/gtag/js?'
                    f'id=G-{rng.randrange(16**8):08X}"></script>'
                )
            else:
                tail.append(
                    f'<script src="{self.u("js/retired/polyfills-2019.js", False)}"></script>'
                )
        return head, tail

    def block(self) -> str:
        """One chunk of article text."""
        rng = self.rng
        x = rng.random()
        if x < 0.55:
            text = _text(rng, rng.randint(3, 8))
            if rng.random() < 0.4:
                words = text.split(" ")
                k = rng.randrange(len(words))
                link = self.u(rng.choice(self.plan.pages).path, asset=False)
                words[k] = f'<a href="{link}">{words[k]}</a>'
                text = " ".join(words)
            return f"<p>{text}</p>\n"
        if x < 0.7:
            return (
                f'<h2 id="{rng.choice(WORDS)}-{rng.randrange(1000)}">{_sentence(rng)[:-1]}</h2>\n'
            )
        if x < 0.8:
            items = "".join(f"  <li>{_sentence(rng)}</li>\n" for _ in range(rng.randint(3, 7)))
            return f'<ul class="{rng.choice(WORDS)}-list">\n{items}</ul>\n'
        if x < 0.87:
            cite = rng.choice(WORDS).capitalize()
            return f"<blockquote><p>{_text(rng, 2)}</p><cite>{cite}</cite></blockquote>\n"
        if x < 0.94:
            rows = "".join(
                "  <tr>"
                + "".join(f"<td>{rng.choice(WORDS)} {rng.randrange(10**4)}</td>" for _ in range(4))
                + "</tr>\n"
                for _ in range(rng.randint(3, 8))
            )
            th = "<tr><th>Site</th><th>Count</th><th>Mean</th><th>Note</th></tr>"
            return f'<table class="data">\n  {th}\n{rows}</table>\n'
        code = "\n".join(
            f"{rng.choice(WORDS)} = {rng.randrange(10**6)}  # {rng.choice(WORDS)}"
            for _ in range(rng.randint(2, 6))
        )
        return f'<pre><code class="language-python">{code}</code></pre>\n'

    def render(self) -> bytes:
        rng, page, plan = self.rng, self.page, self.plan
        target = rng.randint(PAGE_MIN + KB // 2, PAGE_MAX - 4 * KB)
        sheets = self.stylesheets()
        head_scripts, tail_scripts = self.scripts()
        font = self.u("fonts/inter-400.woff2")
        inline_bg = _css_url(rng, self.photo_set()[1])
        head = [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{page.title} \u2014 {SITE_NAME}</title>\n",
            f'<meta name="description" content="{_sentence(rng)}">\n',
            f'<link rel="canonical" href="https://notes.example.com/{page.path}">\n',
            '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>\n',
            f'<link rel="preload" href="{font}" as="font" type="font/woff2" crossorigin>\n',
            f'<link rel="icon" href="{self.u("favicon.ico")}">\n',
            f'<link rel="apple-touch-icon" href="{self.u("img/ui/apple-touch-icon.png")}">\n',
            '<link rel="alternate" type="application/rss+xml" href="/feed.xml">\n',
        ]
        if rng.random() < 0.3:
            head.append(
                '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?'
                'family=Inter:wght@400;700&amp;display=swap">\n'
            )
        head += [s + "\n" for s in sheets]
        head.append(
            f"<style>\n.hero-{page.index} {{ background-image: {inline_bg}; }}\n"
            f".{rng.choice(WORDS)} {{ color: #{rng.randrange(0x1000000):06x}; }}\n</style>\n"
        )
        head += [s + "\n" for s in head_scripts]
        if rng.random() < 0.3:
            head.append(
                f'<!-- <link rel="stylesheet" href="{self.u("css/retired/old.css", False)}"> -->\n'
            )
        head.append(
            '<script type="application/ld+json">{"@context": "https://schema.org", '
            f'"@type": "Article", "headline": "{page.title}"}}</script>\n</head>\n'
        )
        nav_pages = [plan.pages[rng.randrange(len(plan.pages))] for _ in range(8)]
        nav = "".join(
            f'  <li><a href="{self.u(p.path, False)}">{p.title}</a></li>\n' for p in nav_pages
        )
        logo = self.u("img/ui/logo.svg")
        chrome_top = (
            f'<body class="page-{page.section}">\n<header class="site-header">\n'
            f'<a class="brand" href="/">'
            f'<img src="{logo}" alt="{SITE_NAME}" width="160" height="40"></a>\n'
            f'<nav aria-label="Main">\n<ul>\n{nav}</ul>\n</nav>\n</header>\n<main>\n<article>\n'
            f'<h1>{page.title}</h1>\n<p class="lede">{_text(rng, 2)}</p>\n'
        )
        if rng.random() < 0.7:
            chrome_top += (
                f'<div class="hero hero-{page.index}" style="background-image: '
                f"{_css_url(rng, self.photo_set()[1])}; "
                f'--accent: #{rng.randrange(0x1000000):06x}"></div>\n'
            )
        else:
            chrome_top += (
                f'<div class="hero" style="--accent: #{rng.randrange(0x1000000):06x}"></div>\n'
            )
        hidden = ""
        if rng.random() < 0.3 or page.index == 0:
            hidden += (
                f'<template id="card"><img src="{self.u("img/ui/logo.svg")}" alt=""></template>\n'
            )
        if rng.random() < 0.3 or page.index == 0:
            icon = self.u(f"img/ui/icons/{WORDS[0]}.svg")
            hidden += f'<noscript><img src="{icon}" alt=""></noscript>\n'
        if rng.random() < 0.1:
            hidden += (
                '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" '
                'title="Video" loading="lazy"></iframe>\n'
            )
        footer_links = "".join(
            f'<a href="{self.u(p.path, False)}">{p.title}</a> ' for p in nav_pages[:4]
        )
        chrome_bottom = (
            "</article>\n</main>\n"
            f'<footer class="site-footer">\n<p>{footer_links}</p>\n'
            f"<p>&copy; 2024 {SITE_NAME}. {_sentence(rng)}</p>\n</footer>\n"
            + hidden
            + "".join(s + "\n" for s in tail_scripts)
            + "<script>document.documentElement.classList.add('js');</script>\n</body>\n</html>\n"
        )
        n_images = rng.randint(5, 30) - 1  # the logo is one
        if page.index == 0:
            kinds = list(IMAGE_KINDS) + rng.choices(
                IMAGE_KINDS, IMAGE_WEIGHTS, k=max(0, n_images - len(IMAGE_KINDS))
            )
        else:
            kinds = rng.choices(IMAGE_KINDS, IMAGE_WEIGHTS, k=n_images)
        figures = [
            f"<figure>\n{self.image(k)}\n<figcaption>{_sentence(rng)}</figcaption>\n</figure>\n"
            for k in kinds
        ]
        fixed = sum(len(s.encode()) for s in (*head, chrome_top, chrome_bottom, *figures))
        blocks: list[str] = []
        size = fixed
        while size < target:
            b = self.block()
            blocks.append(b)
            size += len(b)
        # Spread the figures through the text, in order.
        body: list[str] = []
        step = max(1, len(blocks) // (len(figures) + 1))
        fig = iter(figures)
        for i, b in enumerate(blocks):
            body.append(b)
            if (i + 1) % step == 0:
                body.append(next(fig, ""))
        body.extend(fig)
        return ("".join(head) + chrome_top + "".join(body) + chrome_bottom).encode()


def _write_assets(root: Path, stats: SiteStats) -> None:
    for path in sorted(stats.assets):
        ext = posixpath.splitext(path)[1]
        data = MAGIC.get(ext, b"\x00") + path.encode()
        _write(root / path, data)
        stats.other_bytes += len(data)
        stats.files += 1


def _write_feed(root: Path, plan: Plan, stats: SiteStats) -> None:
    """``/feed.xml``, which every page names in ``<link rel=alternate>``."""
    items = "".join(
        f"<item><title>{p.title}</title><link>https://notes.example.com/{p.path}</link></item>\n"
        for p in plan.pages[:20]
    )
    data = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{SITE_NAME}</title>\n{items}</channel></rss>\n"
    ).encode()
    _write(root / "feed.xml", data)
    stats.other_bytes += len(data)
    stats.files += 1


def marker_text(pages: int, seed: int, profile: str = "classic") -> str:
    """The content of a complete site's :data:`MARKER`: ``version pages seed`` for the classic
    profile (as before profiles existed), ``version pages seed framework version`` otherwise."""
    if profile == "classic":
        return f"{GENERATOR_VERSION} {pages} {seed}\n"
    return f"{GENERATOR_VERSION} {pages} {seed} {profile} {FRAMEWORK_VERSION}\n"


def site_name(pages: int, seed: int, profile: str = "classic") -> str:
    """The folder of a cached site: ``site-<pages>-s<seed>``, plus ``-<profile>`` unless classic."""
    return f"site-{pages}-s{seed}" + ("" if profile == "classic" else f"-{profile}")


def generate_site(root: Path, pages: int, seed: int = 0, profile: str = "classic") -> SiteStats:
    """Write a site of ``pages`` pages under ``root`` (created; must not hold another site).

    Deterministic: the same ``(pages, seed, profile)`` always gives the same files and bytes.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
    start = time.perf_counter()
    stats = SiteStats()
    root.mkdir(parents=True, exist_ok=True)
    if profile == "framework":
        from bench.gen_framework import write_framework_site  # it imports this module

        write_framework_site(root, pages, seed, stats)
    else:
        _write_classic_site(root, pages, seed, stats)
    stats.files += stats.pages + stats.css_files
    (root / MARKER).write_text(marker_text(pages, seed, profile))
    stats.seconds = time.perf_counter() - start
    return stats


def _write_classic_site(root: Path, pages: int, seed: int, stats: SiteStats) -> None:
    """The classic profile's files (all but the marker), counted into ``stats``."""
    plan = plan_site(pages, seed)
    _write_shared_css(root, plan, stats)
    _write_js(root, plan, stats)
    for page in plan.pages:
        data = PageWriter(plan, stats, page, root).render()
        _write(root / page.path, data)
        stats.pages += 1
        stats.html_bytes += len(data)
    _write_assets(root, stats)
    _write_feed(root, plan, stats)


def ensure_site(
    cache: Path, pages: int, seed: int = 0, profile: str = "classic"
) -> tuple[Path, SiteStats | None]:
    """The cached site ``cache/<site_name>``, generated first if absent or stale (its marker
    missing or not :func:`marker_text`).

    Returns the site's root and the generation stats (``None`` when it came from the cache).
    """
    name = site_name(pages, seed, profile)
    root = cache / name
    marker = root / MARKER
    if marker.is_file() and marker.read_text() == marker_text(pages, seed, profile):
        return root, None
    tmp = cache / f".tmp-{name}"
    for stale in (tmp, root):
        if stale.exists():
            shutil.rmtree(stale)
    stats = generate_site(tmp, pages, seed, profile)
    tmp.rename(root)
    return root, stats


def build_parser() -> argparse.ArgumentParser:
    """The command line of :func:`main`; every option says what it does, its unit and default."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.gen_site",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument(
        "root",
        type=Path,
        metavar="DIR",
        help="directory to write the site into (created if missing; must not hold another site)",
    )
    parser.add_argument(
        "--pages",
        type=int,
        default=100,
        metavar="N",
        help="number of HTML pages to generate, each 10-60 KB, with their stylesheets, scripts "
        "and images (default: %(default)s pages)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="seed of every random choice, any integer: the same --pages, --seed and --profile "
        "give the same bytes on every run and machine (default: %(default)s)",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="classic",
        help="the kind of site: classic (hand-written look, relative paths, many stylesheets) or "
        "framework (Astro/Next.js/VitePress build output: hashed chunks, inline scoped styles, "
        "unicode-range fonts) (default: %(default)s)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.gen_site DIR [--pages N] [--seed S] [--profile P]``."""
    args = build_parser().parse_args(argv)
    stats = generate_site(args.root, args.pages, args.seed, args.profile)
    print(
        f"{stats.pages} pages, {stats.files} files, HTML {stats.html_bytes / 1e6:.1f} MB, "
        f"CSS {stats.css_files} files {stats.css_bytes / 1e6:.1f} MB, "
        f"other {stats.other_bytes / 1e6:.1f} MB, {stats.seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
