"""The site generator's ``framework`` profile: pages as Astro, Next.js and VitePress emit them.

``write_framework_site(root, pages, seed, stats)`` writes the pages and every file they name,
deterministically by the rules of :mod:`bench.gen_site` (one ``random.Random`` a file, seeded
with a string; no set order, no clock).

One site is three builds behind one domain, as when a marketing site, a blog and the docs come
from different tools. The home page and sections 0, 3, 6, ... are Astro's build, sections 1,
4, ... a Next.js static export, sections 2, 5, ... VitePress's:

- Astro: ``/_astro/<name>.<8 base64url>.css|js|woff2|avif``, scoped styles
  ``.card[data-astro-cid-<id>]``, ``<astro-island component-url=...>``;
- Next.js: ``/_next/static/css/<16 hex>.css``, ``/_next/static/chunks/pages/<section>/[slug]-<16
  hex>.js`` (``%5Bslug%5D`` in the page), ``/_next/static/media/``, styled-jsx scopes
  ``.card.jsx-<n>``, its ``@font-face`` rules inline, ``defer`` scripts with ``<link rel=preload
  as=script>`` and ``__NEXT_DATA__``;
- VitePress: ``/assets/app.<8 hex>.js``, ``/assets/chunks/<name>.<8 hex>.js``, a ``.lean.js``
  chunk per page, ``<link rel="preload stylesheet">``, Vue scopes ``.card[data-v-<hex>]``.

A page (10-60 KB, minified markup's line breaks kept for readability) has:

- root-absolute URLs (one image URL in twenty relative), in nested folders:
  ``/<section>/<slug>/index.html`` or ``/<section>/<year>/<slug>/index.html`` (Astro, Next.js),
  ``/<section>/<slug>.html`` (VitePress), a ``/<section>/index.html`` list page a section;
- 3-4 linked, minified, hashed stylesheets: the build's global one (utility classes, prose
  rules with ``:where()``, the ``@font-face`` subsets of Inter and JetBrains Mono with
  ``unicode-range`` except on Next.js), its section's, its template's, and on one page in ten
  one of its own;
- 3-5 inline ``<style>`` blocks: the build's critical CSS (the same text on every page of the
  build; Next.js's holds its ``@font-face`` subsets), the template's scoped component styles
  (shared by the template's pages), and 1-3 of the page's own components (scoped to ids of
  that page, ``url()`` backgrounds, on some a display font's ``@font-face`` subsets);
- ``<link rel="preload" as="font" crossorigin>`` for the Latin subsets; Astro and VitePress:
  a ``<script type="module">`` entry chunk that statically imports hashed chunks (which import
  others; some entries add a dynamic ``import()``), with ``<link rel="modulepreload">`` for the
  whole static closure;
- a ``<picture>`` hero (AVIF, WebP and JPEG ``srcset`` with ``sizes``, ``fetchpriority=high``),
  3-22 more figures (and galleries) with ``srcset``/``sizes``, ``loading="lazy"`` below the
  fold, some in ``<picture>``, icons from the unhashed public folder (``/icons/<name>.svg``);
- Greek or Russian text on every eighth page, so that some non-Latin font subsets are used.

Every local file a page, stylesheet or script names exists: there are no missing references.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench.gen_site import (
    KB,
    PAGE_MAX,
    PAGE_MIN,
    PROPS,
    WORDS,
    SiteStats,
    _js,
    _rng,
    _sentence,
    _text,
    _write,
    _write_assets,
)

FLAVOURS = ("astro", "next", "vitepress")
TEMPLATES = ("home", "list", "post")
SITE = "Field Atlas"
ORIGIN = "https://atlas.example.com"
B64 = string.ascii_letters + string.digits + "-_"
HEX = "0123456789abcdef"
YEARS = ("2019", "2020", "2021", "2022", "2023", "2024")
WIDTHS = (400, 800, 1200)
SUBSETS = (
    ("latin", "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F"),
    ("latin-ext", "U+0100-02AF,U+0304,U+0308,U+0329,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+A720-A7FF"),
    ("cyrillic", "U+0301,U+0400-045F,U+0490-0491,U+04B0-04B1,U+2116"),
    ("greek", "U+0370-0377,U+037A-037F,U+0384-038A,U+038C,U+038E-03A1,U+03A3-03FF"),
    ("vietnamese", "U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,U+1EA0-1EF9"),
)
FONTS = (("Inter", "inter", (400, 600, 700), 5), ("JetBrains Mono", "jetbrains-mono", (400,), 2))
"""Family, file stem, weights and how many of :data:`SUBSETS` it comes in."""
DISPLAY_FONT = ("Fraunces", "fraunces", (600,), 2)
"""The display face a page's own styles declare on some pages."""
FOREIGN = (
    "\u0397 \u03b3\u03b5\u03c9\u03b3\u03c1\u03b1\u03c6\u03af\u03b1 \u03c4\u03bf\u03c5 "
    "\u03c4\u03cc\u03c0\u03bf\u03c5 \u03b1\u03bb\u03bb\u03ac\u03b6\u03b5\u03b9.",
    "\u041f\u043e\u043b\u0435\u0432\u044b\u0435 \u0437\u0430\u043c\u0435\u0442\u043a\u0438 "
    "\u043e \u0440\u0435\u043a\u0430\u0445 \u0438 \u043b\u0435\u0441\u0430\u0445.",
)
"""Greek and Russian sentences (escaped: ruff flags look-alike letters), for non-Latin subsets."""
ICONS = tuple(WORDS[:16])
LAYOUT_CLASSES = ("site-header", "brand", "nav", "nav-link", "site-footer", "footer-links")
TEMPLATE_CLASSES = {
    "home": ("hero", "cta", "grid", "card", "card-title"),
    "list": ("card", "card-title", "meta", "tag", "pager"),
    "post": ("prose", "byline", "toc", "cover", "aside"),
}
COMPONENTS = ("callout", "gallery", "quote", "banner", "stat", "timeline", "note")
SPACINGS = (
    ("m", "margin"),
    ("mt", "margin-top"),
    ("mb", "margin-bottom"),
    ("p", "padding"),
    ("px", "padding-inline"),
    ("py", "padding-block"),
    ("gap", "gap"),
)
UTILITIES = (
    ("flex", "display:flex"),
    ("grid", "display:grid"),
    ("hidden", "display:none"),
    ("block", "display:block"),
    ("items-center", "align-items:center"),
    ("justify-between", "justify-content:space-between"),
    ("font-bold", "font-weight:700"),
    ("font-semibold", "font-weight:600"),
    ("rounded-lg", "border-radius:.5rem"),
    ("shadow", "box-shadow:0 1px 3px 0 rgb(0 0 0/.1),0 1px 2px -1px rgb(0 0 0/.1)"),
    ("container", "width:100%;margin-left:auto;margin-right:auto"),
    ("sr-only", "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)"),
    *((f"{name}-{k}", f"{prop}:{k / 4:g}rem") for name, prop in SPACINGS for k in (0, 1, 2, 4, 8)),
)
TEXT_SIZES = (("xs", 0.75), ("sm", 0.875), ("base", 1), ("lg", 1.125), ("xl", 1.25), ("2xl", 1.5))
COLOURS = ("slate", "gray", "zinc", "red", "amber", "emerald", "sky", "indigo", "rose")


# --- names ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Build:
    """One framework's build: how it names its hashed files (root-relative paths)."""

    flavour: str
    seed: int

    def digest(self, name: str, chars: int, alphabet: str = HEX) -> str:
        """``chars`` characters of a hash of ``name`` (a file's content hash, as bundlers use)."""
        raw = hashlib.sha256(f"{self.seed}:{self.flavour}:{name}".encode()).digest()
        return "".join(alphabet[b % len(alphabet)] for b in raw[:chars])

    def css(self, stem: str) -> str:
        """The hashed stylesheet named after ``stem``."""
        if self.flavour == "astro":
            return f"_astro/{stem}.{self.digest(stem, 8, B64)}.css"
        if self.flavour == "next":
            return f"_next/static/css/{self.digest(stem, 16)}.css"
        return f"assets/{stem}.{self.digest(stem, 8)}.css"

    def chunk(self, stem: str) -> str:
        """The hashed JavaScript chunk named after ``stem`` (Next.js: ``pages/<route>`` too)."""
        if self.flavour == "astro":
            return f"_astro/{stem}.{self.digest(stem, 8, B64)}.js"
        if self.flavour == "next":
            return f"_next/static/chunks/{stem}-{self.digest(stem, 16)}.js"
        return f"assets/chunks/{stem}.{self.digest(stem, 8)}.js"

    def entry(self, template: str) -> str:
        """The module a page of ``template`` loads (Astro, VitePress)."""
        if self.flavour == "vitepress":
            return f"assets/app.{self.digest('app', 8)}.js"
        return self.chunk(f"{template.capitalize()}.astro_astro_type_script_index_0_lang")

    def media(self, stem: str, ext: str) -> str:
        """The hashed image (or font) ``stem`` in format ``ext``."""
        if self.flavour == "astro":
            return f"_astro/{stem}.{self.digest(stem + ext, 8, B64)}.{ext}"
        if self.flavour == "next":
            return f"_next/static/media/{stem}.{self.digest(stem + ext, 8)}.{ext}"
        return f"assets/{stem}.{self.digest(stem + ext, 8)}.{ext}"

    def font(self, stem: str, ext: str = "woff2") -> str:
        """The hashed font file ``stem`` (Next.js names it by its hash alone)."""
        if self.flavour == "next":
            return f"_next/static/media/{self.digest(stem, 16)}-s.{ext}"
        return self.media(stem, ext)

    def scope_id(self, name: str) -> str:
        """The id a component's scoped styles carry (``data-astro-cid-``, ``jsx-``, ``data-v-``)."""
        if self.flavour == "astro":
            return self.digest(name, 8, string.ascii_lowercase + string.digits)
        if self.flavour == "next":
            return str(int(self.digest(name, 9), 16))
        return self.digest(name, 8)


def url(path: str) -> str:
    """The root-absolute URL of root-relative ``path`` (``[`` and ``]`` percent-encoded)."""
    return "/" + quote(path, safe="/")


def import_specifier(importer: str, target: str) -> str:
    """How a chunk at ``importer`` imports ``target``: relative, ``./`` or ``../``, as Vite does."""
    rel = posixpath.relpath(target, posixpath.dirname(importer))
    return rel if rel.startswith("../") else "./" + rel


@dataclass(frozen=True, slots=True)
class Scope:
    """A component's style scope: the selector of one of its classes, and its element's
    attributes."""

    flavour: str
    cid: str

    def sel(self, cls: str) -> str:
        """The selector of class ``cls`` in this scope."""
        if self.flavour == "next":
            return f".{cls}.jsx-{self.cid}"
        attr = "data-astro-cid-" if self.flavour == "astro" else "data-v-"
        return f".{cls}[{attr}{self.cid}]"

    def attrs(self, cls: str) -> str:
        """The attributes an element of class ``cls`` carries in this scope."""
        if self.flavour == "next":
            return f'class="jsx-{self.cid} {cls}"'
        attr = "data-astro-cid-" if self.flavour == "astro" else "data-v-"
        return f'class="{cls}" {attr}{self.cid}'


@dataclass(frozen=True, slots=True)
class Section:
    """A top-level folder of the site: one build's pages, their posts under three years."""

    name: str
    build: Build
    years: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FwPage:
    """One page of the framework site."""

    index: int
    path: str
    """Root-relative file, ``/``-separated."""
    href: str
    """The URL other pages link to it with."""
    section: Section
    template: str
    slug: str
    title: str
    route: str
    """The framework's route of the page (``blog/[slug]``), which names Next.js's page chunk."""


@dataclass(frozen=True, slots=True)
class FwPlan:
    """The site-wide decisions every file of a framework site follows."""

    seed: int
    pages: tuple[FwPage, ...]
    sections: tuple[Section, ...]
    builds: tuple[Build, ...]
    photos: tuple[str, ...]


def _page_place(section: Section, slug: str, year: str | None) -> tuple[str, str, str]:
    """(file, href, route) of a post in ``section``, under ``year`` if given."""
    folder = f"{section.name}/{year}" if year else section.name
    route = f"{section.name}/[year]/[slug]" if year else f"{section.name}/[slug]"
    if section.build.flavour == "vitepress":
        return f"{folder}/{slug}.html", f"/{folder}/{slug}.html", route
    return f"{folder}/{slug}/index.html", f"/{folder}/{slug}/", route


def plan_framework(pages: int, seed: int) -> FwPlan:
    """Decide the builds, sections, pages and photo pool of a framework site."""
    if pages < 1:
        raise ValueError("a site needs at least one page")
    rng = _rng(seed, "framework-plan", pages)
    builds = tuple(Build(f, seed) for f in FLAVOURS)
    names = sorted(rng.sample(WORDS, max(3, min(24, pages // 25))))
    sections = tuple(
        Section(name, builds[k % 3], tuple(sorted(rng.sample(YEARS, 3))))
        for k, name in enumerate(names)
    )
    planned = [FwPage(0, "index.html", "/", sections[0], "home", "index", "Home", "index")]
    for i in range(1, pages):
        if i <= len(sections):
            s = sections[i - 1]
            title = s.name.capitalize()
            planned.append(
                FwPage(i, f"{s.name}/index.html", f"/{s.name}/", s, "list", "", title, s.name)
            )
            continue
        s = rng.choice(sections)
        words = rng.sample(WORDS, 3)
        slug = f"{words[0]}-{words[1]}-{i:05d}"
        year = rng.choice(s.years) if rng.random() < 0.4 else None
        path, href, route = _page_place(s, slug, year)
        title = " ".join(w.capitalize() for w in words)
        planned.append(FwPage(i, path, href, s, "post", slug, title, route))
    photos = tuple(f"{rng.choice(WORDS)}-{k:05d}" for k in range(max(40, pages // 2)))
    return FwPlan(seed, tuple(planned), sections, builds, photos)


def templates_of(plan: FwPlan, build: Build) -> tuple[str, ...]:
    """The templates some page of ``build`` uses, in :data:`TEMPLATES` order."""
    used = {p.template for p in plan.pages if p.section.build == build}
    return tuple(t for t in TEMPLATES if t in used)


# --- CSS --------------------------------------------------------------------------------------


def _decls(rng: random.Random, extra: str = "") -> str:
    """2-5 minified declarations, ``extra`` among them."""
    decls = [f"{p}:{v(rng)}" for p, v in rng.sample(PROPS, rng.randint(2, 5))]
    if extra:
        decls.insert(rng.randrange(len(decls) + 1), extra)
    return ";".join(decls)


def font_faces(build: Build, stats: SiteStats, font: tuple[str, str, tuple[int, ...], int]) -> str:
    """The ``@font-face`` rules of ``font``: one a weight and ``unicode-range`` subset."""
    family, stem, weights, subsets = font
    out = []
    for weight in weights:
        for subset, ranges in SUBSETS[:subsets]:
            name = f"{stem}-{subset}-{weight}-normal"
            woff2 = build.font(name)
            stats.assets.add(woff2)
            src = f'url({url(woff2)}) format("woff2")'
            if build.flavour != "next":  # fontsource ships a WOFF fallback; next/font does not
                woff = build.font(name, "woff")
                stats.assets.add(woff)
                src += f',url({url(woff)}) format("woff")'
            out.append(
                f'@font-face{{font-family:"{family}";font-style:normal;font-display:swap;'
                f"font-weight:{weight};src:{src};unicode-range:{ranges}}}"
            )
    return "".join(out)


class StyleWriter:
    """A minified stylesheet of one build, grown rule by rule to a target size."""

    def __init__(self, build: Build, stats: SiteStats, photos: tuple[str, ...], rng: random.Random):
        self.build, self.stats, self.photos, self.rng = build, stats, photos, rng
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def image_url(self) -> str:
        """``url()`` of a hashed photo or an unhashed public icon (registered as an asset)."""
        rng = self.rng
        if rng.random() < 0.3:
            path = f"icons/{rng.choice(ICONS)}.svg"
        else:
            ext = rng.choice(("webp", "avif", "jpg"))
            path = self.build.media(f"{rng.choice(self.photos)}-{rng.choice(WIDTHS)}", ext)
        self.stats.assets.add(path)
        return f"url({url(path)})"

    def rule(self, selector: str, image_every: float = 0.1) -> None:
        rng = self.rng
        extra = ""
        if rng.random() < image_every:
            extra = f"background-image:{self.image_url()}"
        self.add(f"{selector}{{{_decls(rng, extra)}}}")

    def scoped(self, scope: Scope, classes: tuple[str, ...], count: int) -> None:
        """``count`` rules on ``classes`` in ``scope``, some in ``@media``, some with images."""
        rng = self.rng
        for _ in range(count):
            tail = rng.choice(("", "", " a", " img", ":hover", " > p", "::before", " h2"))
            selector = scope.sel(rng.choice(classes)) + tail
            if rng.random() < 0.15:
                self.add("@media (min-width:768px){")
                self.rule(selector, 0.25)
                self.add("}")
            else:
                self.rule(selector, 0.25)

    def utilities(self) -> None:
        """Utility classes as Tailwind emits them (with ``md:`` and ``hover:`` variants)."""
        for name, decl in UTILITIES:
            self.add(f".{name}{{{decl}}}")
        for name, rem in TEXT_SIZES:
            self.add(f".text-{name}{{font-size:{rem}rem;line-height:{rem * 1.5:g}rem}}")
        for colour in COLOURS:
            for shade in (100, 500, 900):
                rgb = self.build.digest(f"{colour}{shade}", 6)
                self.add(f".bg-{colour}-{shade}{{--tw-bg-opacity:1;background-color:#{rgb}}}")
                self.add(f".text-{colour}-{shade}{{color:#{rgb}}}")
                self.add(f".hover\\:text-{colour}-{shade}:hover{{color:#{rgb}}}")
        self.add("@media (min-width:768px){")
        for k in (2, 3, 4):
            self.add(f".md\\:grid-cols-{k}{{grid-template-columns:repeat({k},minmax(0,1fr))}}")
        self.add(".md\\:flex{display:flex}.md\\:hidden{display:none}}")
        self.add("@media (prefers-color-scheme:dark){.dark\\:bg-slate-900{background:#0f172a}}")

    def prose(self) -> None:
        """Typography rules with ``:where()``, as ``@tailwindcss/typography`` writes them."""
        for tag in ("p", "a", "h2", "h3", "ul", "li", "blockquote", "code", "pre", "img", "table"):
            self.add(
                f".prose :where({tag}):not(:where([class~=not-prose],[class~=not-prose] *))"
                f"{{{_decls(self.rng)}}}"
            )

    def text(self) -> str:
        return "".join(self.parts)


def _write_css(root: Path, stats: SiteStats, path: str, text: str) -> None:
    data = text.encode()
    _write(root / path, data)
    stats.css_files += 1
    stats.css_bytes += len(data)


def _layout_scope(build: Build) -> Scope:
    return Scope(build.flavour, build.scope_id("layout"))


def _template_scope(build: Build, template: str) -> Scope:
    return Scope(build.flavour, build.scope_id(f"template-{template}"))


def _global_css(plan: FwPlan, build: Build, stats: SiteStats) -> str:
    """The build's global stylesheet: reset, fonts (not Next.js), utilities, prose, 25-45 KB."""
    rng = _rng(plan.seed, "fw-css", build.flavour, "global")
    w = StyleWriter(build, stats, plan.photos, rng)
    w.add("*,:after,:before{box-sizing:border-box;border:0 solid #e5e7eb}")
    w.add("html{line-height:1.5;font-family:Inter,ui-sans-serif,system-ui,sans-serif}")
    w.add('code,pre{font-family:"JetBrains Mono",ui-monospace,monospace}')
    if build.flavour != "next":
        w.add("".join(font_faces(build, stats, font) for font in FONTS))
    w.utilities()
    w.prose()
    target = rng.randint(25 * KB, 45 * KB)
    layout = _layout_scope(build)
    while w.size < target:
        if rng.random() < 0.4:
            w.scoped(layout, LAYOUT_CLASSES, 1)
        else:
            cls = f".{rng.choice(WORDS)}-{rng.choice(WORDS)}"
            w.rule(cls + rng.choice(("", " a", ":hover", " > li")))
    return w.text()


def _shared_css(
    plan: FwPlan,
    build: Build,
    stats: SiteStats,
    name: str,
    scope: Scope,
    classes: tuple[str, ...],
    low: int,
    high: int,
) -> str:
    """A section's or a template's stylesheet: rules on its scoped classes, ``low`` to ``high``
    bytes."""
    rng = _rng(plan.seed, "fw-css", build.flavour, name)
    w = StyleWriter(build, stats, plan.photos, rng)
    target = rng.randint(low, high)
    while w.size < target:
        w.scoped(scope, classes, 1)
    return w.text()


def _critical_css(plan: FwPlan, build: Build, stats: SiteStats) -> str:
    """The build's inline critical CSS, the same on every page (Next.js: with its fonts)."""
    rng = _rng(plan.seed, "fw-critical", build.flavour)
    w = StyleWriter(build, stats, plan.photos, rng)
    props = ";".join(f"--{c}:#{build.digest(c, 6)}" for c in COLOURS)
    w.add(f":root{{{props}}}")
    if build.flavour == "next":
        w.add("".join(font_faces(build, stats, font) for font in FONTS))
    w.scoped(_layout_scope(build), LAYOUT_CLASSES, rng.randint(8, 20))
    return w.text()


def _template_inline_css(plan: FwPlan, build: Build, stats: SiteStats, template: str) -> str:
    """The template's scoped component styles, inline on each of its pages."""
    rng = _rng(plan.seed, "fw-template-inline", build.flavour, template)
    w = StyleWriter(build, stats, plan.photos, rng)
    w.scoped(_template_scope(build, template), TEMPLATE_CLASSES[template], rng.randint(6, 18))
    return w.text()


# --- JavaScript -------------------------------------------------------------------------------


def _module(rng: random.Random, path: str, imports: list[str], lazy: str | None, size: int) -> str:
    """A minified-looking ES module at ``path``: static imports of ``imports``, an optional
    dynamic ``import()`` of ``lazy``, and an export ``a``."""
    lines = [
        f'import{{a as i{k}}}from"{import_specifier(path, target)}";'
        for k, target in enumerate(imports)
    ]
    if lazy:
        lines.append(f'const lazyChunk=()=>import("{import_specifier(path, lazy)}");')
    lines.append(f"function chunkInit(){{return {rng.randrange(1000)}}}export{{chunkInit as a}};\n")
    return "".join(lines) + _js(rng, size)


def _webpack_chunk(rng: random.Random, size: int) -> str:
    """A Next.js (webpack) chunk: no imports, a push onto the chunk list."""
    n = rng.randrange(100, 999)
    head = (
        "(self.webpackChunk_N_E=self.webpackChunk_N_E||[])"
        f".push([[{n}],{{{n}:function(e,t,r){{}}}}]);\n"
    )
    return head + _js(rng, size)


@dataclass(slots=True)
class Chunks:
    """A build's JavaScript: each chunk's static imports, and each template's entry."""

    imports: dict[str, list[str]]
    entries: dict[str, str]
    islands: tuple[str, ...] = ()
    """Astro's island components (``component-url``); its renderer is ``runtime``."""
    runtime: str = ""
    base: tuple[str, ...] = ()
    """Next.js's chunks on every page (webpack runtime, framework, main)."""

    def closure(self, start: str) -> list[str]:
        """Every chunk ``start`` imports statically, directly or not, in first-seen order."""
        seen: list[str] = []
        todo = list(reversed(self.imports.get(start, [])))
        while todo:
            chunk = todo.pop()
            if chunk not in seen:
                seen.append(chunk)
                todo.extend(reversed(self.imports.get(chunk, [])))
        return seen


def _write_module_chunks(root: Path, plan: FwPlan, build: Build, stats: SiteStats) -> Chunks:
    """Astro's or VitePress's chunks: a runtime, a pool importing earlier ones, one entry a
    template (VitePress: one app entry for all); every chunk is imported by another (pages may
    use an island on their own, so that cannot make it used)."""
    rng = _rng(plan.seed, "fw-js", build.flavour)
    runtime = build.chunk("client" if build.flavour == "astro" else "framework")
    n_pool = 8 + min(24, len(plan.pages) // 100)
    pool = [build.chunk(w.capitalize()) for w in rng.sample(WORDS, n_pool)]
    imports: dict[str, list[str]] = {runtime: []}
    for k, chunk in enumerate(pool):
        imports[chunk] = [runtime, *rng.sample(pool[:k], rng.randint(0, min(3, k)))]
    lazy: dict[str, str | None] = dict.fromkeys(imports)
    entries: dict[str, str] = {}
    for template in templates_of(plan, build):
        entry = build.entry(template)
        entries[template] = entry
        if entry not in imports:
            imports[entry] = [runtime, *rng.sample(pool, rng.randint(1, 3))]
            lazy[entry] = rng.choice(pool) if rng.random() < 0.5 else None
    islands = tuple(pool[-3:]) if build.flavour == "astro" else ()
    used = {t for targets in imports.values() for t in targets} | set(lazy.values())
    entry_list = sorted(set(entries.values()))
    for chunk in pool:
        if chunk not in used:  # bundlers emit no chunk that nothing loads
            imports[rng.choice(entry_list)].append(chunk)
    for chunk, targets in imports.items():
        text = _module(_rng(plan.seed, chunk), chunk, targets, lazy[chunk], rng.randint(1, 12) * KB)
        _put(root, stats, chunk, text)
    return Chunks(imports, entries, islands, runtime)


def _next_route_chunks(plan: FwPlan, build: Build) -> list[str]:
    routes = sorted({p.route for p in plan.pages if p.section.build == build} | {"_app"})
    return [build.chunk(f"pages/{r}") for r in routes]


def _write_next_chunks(root: Path, plan: FwPlan, build: Build, stats: SiteStats) -> Chunks:
    """Next.js's chunks: webpack runtime, framework, main, ``_app`` and one a route."""
    base = [build.chunk(name) for name in ("webpack", "framework", "main")]
    for chunk in base + _next_route_chunks(plan, build):
        rng = _rng(plan.seed, chunk)
        _put(root, stats, chunk, _webpack_chunk(rng, rng.randint(2, 40) * KB))
    return Chunks({}, {}, base=tuple(base))


def _put(root: Path, stats: SiteStats, path: str, text: str) -> None:
    data = text.encode()
    _write(root / path, data)
    stats.other_bytes += len(data)
    stats.files += 1


# --- HTML -------------------------------------------------------------------------------------


@dataclass(slots=True)
class BuildAssets:
    """What every page of one build links or inlines."""

    global_css: str
    section_css: dict[str, str]
    template_css: dict[str, str]
    critical: str
    template_inline: dict[str, str]
    chunks: Chunks


def _write_build(root: Path, plan: FwPlan, build: Build, stats: SiteStats) -> BuildAssets:
    """A build's shared stylesheets and scripts, written; and its inline CSS, kept."""
    global_css = build.css("global" if build.flavour != "vitepress" else "style")
    _write_css(root, stats, global_css, _global_css(plan, build, stats))
    section_css: dict[str, str] = {}
    with_pages = {page.section for page in plan.pages}
    for section in plan.sections:
        if section.build != build or section not in with_pages:
            continue
        path = section_css[section.name] = build.css(section.name)
        scope = _layout_scope(build)
        text = _shared_css(plan, build, stats, section.name, scope, LAYOUT_CLASSES, 3 * KB, 12 * KB)
        _write_css(root, stats, path, text)
    template_css: dict[str, str] = {}
    for template in templates_of(plan, build):
        path = template_css[template] = build.css(f"{template}-layout")
        scope = _template_scope(build, template)
        text = _shared_css(
            plan, build, stats, template, scope, TEMPLATE_CLASSES[template], 4 * KB, 15 * KB
        )
        _write_css(root, stats, path, text)
    if build.flavour == "next":
        chunks = _write_next_chunks(root, plan, build, stats)
    else:
        chunks = _write_module_chunks(root, plan, build, stats)
    inline = {t: _template_inline_css(plan, build, stats, t) for t in templates_of(plan, build)}
    critical = _critical_css(plan, build, stats)
    return BuildAssets(global_css, section_css, template_css, critical, inline, chunks)


class FwPageWriter:
    """Builds one page of the framework site; collects the binary files it names."""

    def __init__(
        self, plan: FwPlan, assets: BuildAssets, stats: SiteStats, page: FwPage, root: Path
    ):
        self.plan, self.assets, self.stats, self.page, self.root = plan, assets, stats, page, root
        self.build = page.section.build
        self.rng = _rng(plan.seed, "fw-page", page.path)
        self.components = self.rng.sample(COMPONENTS, self.rng.randint(1, 3))
        self.scopes = {
            c: Scope(self.build.flavour, self.build.scope_id(page.path + c))
            for c in self.components
        }

    # references

    def asset(self, path: str, relative_ok: bool = False) -> str:
        """The URL of binary file ``path``, registered to be written: root-absolute, or on one
        image in twenty (when ``relative_ok``) relative to the page."""
        self.stats.assets.add(path)
        if relative_ok and self.rng.random() < 0.05:
            return quote(posixpath.relpath(path, posixpath.dirname(self.page.path) or "."))
        return url(path)

    def srcset(self, name: str, ext: str) -> tuple[str, str]:
        """A ``w`` srcset over ``name``'s widths in ``ext``, and its middle width's URL."""
        urls = [self.asset(self.build.media(f"{name}-{w}", ext), True) for w in WIDTHS]
        return ", ".join(f"{u} {w}w" for u, w in zip(urls, WIDTHS, strict=True)), urls[1]

    def picture(self, lazy: bool, attrs: str = "") -> str:
        rng = self.rng
        name = rng.choice(self.plan.photos)
        sizes = rng.choice(
            ("(min-width: 1024px) 768px, 100vw", "100vw", "(max-width: 640px) 100vw, 50vw")
        )
        load = ' loading="lazy" decoding="async"' if lazy else ' fetchpriority="high"'
        alt = _sentence(rng)[:-1]
        if rng.random() < 0.5 or not lazy:
            avif, _ = self.srcset(name, "avif")
            webp, _ = self.srcset(name, "webp")
            jpg, src = self.srcset(name, "jpg")
            return (
                f"<picture>"
                f'<source type="image/avif" srcset="{avif}" sizes="{sizes}">'
                f'<source type="image/webp" srcset="{webp}" sizes="{sizes}">'
                f'<img src="{src}" srcset="{jpg}" sizes="{sizes}" alt="{alt}" width="1200" '
                f'height="800"{load}{attrs}></picture>'
            )
        webp, src = self.srcset(name, "webp")
        return (
            f'<img src="{src}" srcset="{webp}" sizes="{sizes}" alt="{alt}" width="800" '
            f'height="533"{load}{attrs}>'
        )

    def icon(self) -> str:
        src = self.asset(f"icons/{self.rng.choice(ICONS)}.svg")
        return f'<img src="{src}" alt="" width="20" height="20">'

    # head

    def stylesheet_links(self) -> list[str]:
        """The build's global, section and template sheets, and on some pages the page's own."""
        a, page, build = self.assets, self.page, self.build
        paths = [a.global_css, a.section_css[page.section.name], a.template_css[page.template]]
        if self.rng.random() < 0.1:
            own = build.css(f"{page.slug or page.section.name}-page-{page.index}")
            w = StyleWriter(build, self.stats, self.plan.photos, _rng(self.plan.seed, own))
            target = w.rng.randint(2 * KB, 8 * KB)
            while w.size < target:
                w.scoped(self.scopes[self.components[0]], (self.components[0], "title"), 1)
            _write_css(self.root, self.stats, own, w.text())
            paths.append(own)
        out = []
        for path in paths:
            if build.flavour == "vitepress" and path == a.global_css:
                out.append(f'<link rel="preload stylesheet" href="{url(path)}" as="style">')
            elif build.flavour == "next":
                out.append(f'<link rel="preload" href="{url(path)}" as="style">')
                out.append(f'<link rel="stylesheet" href="{url(path)}" data-n-g="">')
            else:
                out.append(f'<link rel="stylesheet" href="{url(path)}">')
        return out

    def own_styles(self) -> list[str]:
        """1-3 inline blocks of the page's own components (a display font on some)."""
        rng = self.rng
        blocks = []
        for k, component in enumerate(self.components):
            w = StyleWriter(self.build, self.stats, self.plan.photos, rng)
            if k == 0 and rng.random() < 0.15:
                w.add(font_faces(self.build, self.stats, DISPLAY_FONT))
                w.add(f'{self.scopes[component].sel(component)} h2{{font-family:"Fraunces",serif}}')
            hero = self.asset(
                self.build.media(f"{rng.choice(self.plan.photos)}-{WIDTHS[-1]}", "webp")
            )
            w.add(f"{self.scopes[component].sel(component)}{{background:url({hero}) center/cover}}")
            w.scoped(self.scopes[component], (component, "title", "body"), rng.randint(3, 24))
            blocks.append(w.text())
        return blocks

    def scripts(self) -> list[str]:
        """Module entry and modulepreloads (Astro, VitePress), or defer chunks (Next.js)."""
        build, chunks, page = self.build, self.assets.chunks, self.page
        if build.flavour == "next":
            route = build.chunk(f"pages/{page.route}")
            app = build.chunk("pages/_app")
            paths = [*chunks.base, app, route]
            preload = [f'<link rel="preload" href="{url(p)}" as="script">' for p in paths]
            return preload + [f'<script src="{url(p)}" defer=""></script>' for p in paths]
        entry = chunks.entries[page.template]
        preload = chunks.closure(entry)
        if build.flavour == "vitepress":
            lean = self.lean_chunk(chunks.runtime)
            preload.append(lean)
        out = [f'<script type="module" src="{url(entry)}"></script>']
        out += [f'<link rel="modulepreload" href="{url(p)}">' for p in preload]
        return out

    def lean_chunk(self, runtime: str) -> str:
        """VitePress's per-page ``<section>_<slug>.md.<hash>.lean.js``, written."""
        stem = self.page.path.removesuffix(".html").replace("/", "_")
        path = f"assets/{stem}.md.{self.build.digest(stem, 8)}.lean.js"
        rng = _rng(self.plan.seed, path)
        _put(
            self.root, self.stats, path, _module(rng, path, [runtime], None, rng.randint(1, 3) * KB)
        )
        return path

    def head(self) -> str:
        page, build, rng = self.page, self.build, self.rng
        generator = {"astro": "Astro v4.5.9", "next": "", "vitepress": "VitePress v1.0.2"}[
            build.flavour
        ]
        preloads = [build.font(f"inter-latin-{w}-normal") for w in (400, 700)]
        for p in preloads:
            self.stats.assets.add(p)
        parts = [
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width,initial-scale=1">',
            f'<meta name="generator" content="{generator}">' if generator else "",
            f"<title>{page.title} | {SITE}</title>",
            f'<meta name="description" content="{_sentence(rng)}">',
            f'<link rel="canonical" href="{ORIGIN}{page.href}">',
            f'<meta property="og:image" content="{ORIGIN}/og/{page.slug or "index"}.png">',
            f'<link rel="icon" type="image/svg+xml" href="{self.asset("favicon.svg")}">',
            *(
                f'<link rel="preload" href="{url(p)}" as="font" type="font/woff2" crossorigin>'
                for p in preloads
            ),
            *self.stylesheet_links(),
            f"<style>{self.assets.critical}</style>",
            f"<style>{self.assets.template_inline[page.template]}</style>",
            *(f"<style>{block}</style>" for block in self.own_styles()),
            *self.scripts(),
            "</head>",
        ]
        return "\n".join(p for p in parts if p) + "\n"

    # body

    def chrome(self) -> tuple[str, str]:
        """The layout's header and footer, scoped to the build's layout id."""
        layout, rng = _layout_scope(self.build), self.rng
        links = [self.plan.pages[rng.randrange(len(self.plan.pages))] for _ in range(6)]
        nav = "".join(
            f'<li><a {layout.attrs("nav-link")} href="{p.href}">{p.title}</a></li>' for p in links
        )
        logo = self.asset("logo.svg")
        top = (
            f'<body class="min-h-screen bg-slate-100 dark:bg-slate-900">\n'
            f'<a class="sr-only" href="#main">Skip to content</a>\n'
            f"<header {layout.attrs('site-header flex items-center justify-between px-4')}>"
            f'<a {layout.attrs("brand")} href="/">'
            f'<img src="{logo}" alt="{SITE}" width="120" height="32"></a>'
            f'<nav {layout.attrs("nav")}><ul class="flex gap-4">{nav}</ul></nav></header>\n'
        )
        footer_links = "".join(f'<a href="{p.href}">{p.title}</a> ' for p in links[:3])
        bottom = (
            f"<footer {layout.attrs('site-footer py-8 text-sm')}><p {layout.attrs('footer-links')}>"
            f"{footer_links}</p><p>&copy; 2024 {SITE}. {_sentence(rng)}</p></footer>\n"
        )
        return top, bottom

    def component(self, name: str) -> str:
        """One of the page's own components, carrying its scope."""
        scope, rng = self.scopes[name], self.rng
        inner = (
            f"<h2 {scope.attrs('title')}>{_sentence(rng)[:-1]}</h2>"
            f"<p {scope.attrs('body')}>{_text(rng, 2)}</p>"
        )
        if name == "gallery":
            inner += "".join(self.picture(True) for _ in range(rng.randint(1, 2)))
        if self.build.flavour == "astro" and self.assets.chunks.islands and rng.random() < 0.5:
            island = rng.choice(self.assets.chunks.islands)
            inner += (
                f'<astro-island uid="{self.build.digest(self.page.path + name, 6)}" '
                f'component-url="{url(island)}" component-export="default" '
                f'renderer-url="{url(self.assets.chunks.runtime)}" props="{{}}" ssr="" '
                'client="visible"><button>0</button></astro-island>'
            )
        return f"<section {scope.attrs(name)}>{inner}</section>\n"

    def block(self) -> str:
        """One chunk of article text."""
        rng = self.rng
        x = rng.random()
        if x < 0.6:
            text = _text(rng, rng.randint(3, 8))
            if rng.random() < 0.4:
                other = rng.choice(self.plan.pages)
                text += f' <a href="{other.href}" class="hover:text-sky-500">{other.title}</a>.'
            return f"<p>{text}</p>\n"
        if x < 0.75:
            anchor = f"{rng.choice(WORDS)}-{rng.randrange(1000)}"
            return f'<h2 id="{anchor}" class="mt-8 text-xl">{_sentence(rng)[:-1]}</h2>\n'
        if x < 0.85:
            items = "".join(
                f"<li>{self.icon()} {_sentence(rng)}</li>" for _ in range(rng.randint(2, 6))
            )
            return f'<ul class="grid gap-2 md:grid-cols-2">{items}</ul>\n'
        if x < 0.93:
            return f"<blockquote><p>{_text(rng, 2)}</p></blockquote>\n"
        code = "\n".join(
            f"const {rng.choice(WORDS)} = {rng.randrange(10**6)};" for _ in range(rng.randint(2, 6))
        )
        return f'<pre class="p-4 rounded-lg"><code>{code}</code></pre>\n'

    def tail(self) -> str:
        """Data and bootstrap scripts at the end of the body."""
        page, build = self.page, self.build
        if build.flavour == "next":
            data = {
                "props": {
                    "pageProps": {
                        "slug": page.slug,
                        "title": page.title,
                        "excerpt": _text(self.rng, 3),
                    }
                },
                "page": "/" + page.route,
                "query": {"slug": page.slug} if page.slug else {},
                "buildId": build.digest("build", 21, B64),
                "nextExport": True,
                "gsp": True,
            }
            text = json.dumps(data, separators=(",", ":"))
            return f'<script id="__NEXT_DATA__" type="application/json">{text}</script>\n'
        if build.flavour == "vitepress":
            data = json.dumps(json.dumps({"title": SITE}, separators=(",", ":")))
            return f"<script>window.__VP_SITE_DATA__=JSON.parse({data})</script>\n"
        return (
            "<script>(()=>{var e=async t=>{await(await t())()};"
            "(self.Astro||(self.Astro={})).load=e;})();</script>\n"
        )

    def render(self) -> bytes:
        rng, page = self.rng, self.page
        target = rng.randint(PAGE_MIN + KB, PAGE_MAX - 6 * KB)
        head = self.head()
        top, bottom = self.chrome()
        template = _template_scope(self.build, page.template)
        classes = TEMPLATE_CLASSES[page.template]
        opening = (
            '<main id="main" class="container px-4 py-8">\n'
            f"<article {template.attrs(classes[0])}>\n"
            f"<h1 {template.attrs(classes[1] + ' text-2xl font-bold')}>{page.title}</h1>\n"
            f"<p {template.attrs(classes[2])}>{_text(rng, 2)}</p>\n"
            f"{self.picture(False, f' {template.attrs(classes[3])}')}\n"
        )
        if page.index % 8 == 3:  # Greek and Russian in turn
            lang, text = (("el", FOREIGN[0]), ("ru", FOREIGN[1]))[page.index // 8 % 2]
            opening += f'<blockquote lang="{lang}">{text}</blockquote>\n'
        aside = f"<aside {template.attrs(classes[4])}>{self.icon()} {_sentence(rng)}</aside>\n"
        closing = aside + "</article>\n</main>\n"
        end = self.tail() + "</body></html>\n"
        figures = [
            f'<figure class="my-8">{self.picture(True)}'
            f'<figcaption class="text-sm">{_sentence(rng)}</figcaption></figure>\n'
            for _ in range(rng.randint(3, 22))
        ]
        components = [self.component(c) for c in self.components]
        fixed = sum(
            len(s.encode())
            for s in (head, top, bottom, opening, closing, end, *figures, *components)
        )
        blocks: list[str] = []
        while fixed + sum(len(b) for b in blocks) < target:
            blocks.append(self.block())
        body = list(_interleave(blocks, figures + components))
        return (head + top + opening + "".join(body) + closing + bottom + end).encode()


def _interleave(blocks: list[str], extras: list[str]) -> Iterator[str]:
    """``blocks`` in order with ``extras`` spread through them, in order, all of both."""
    step = max(1, len(blocks) // (len(extras) + 1))
    rest = iter(extras)
    for i, b in enumerate(blocks):
        yield b
        if (i + 1) % step == 0:
            yield next(rest, "")
    yield from rest


def write_framework_site(root: Path, pages: int, seed: int, stats: SiteStats) -> None:
    """Write a framework-profile site of ``pages`` pages under ``root``, counting into ``stats``."""
    plan = plan_framework(pages, seed)
    builds = [build for build in plan.builds if templates_of(plan, build)]  # a tiny site: fewer
    assets = {build: _write_build(root, plan, build, stats) for build in builds}
    for page in plan.pages:
        data = FwPageWriter(plan, assets[page.section.build], stats, page, root).render()
        _write(root / page.path, data)
        stats.pages += 1
        stats.html_bytes += len(data)
    _write_assets(root, stats)
