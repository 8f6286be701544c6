"""A rough static layout: is a ``loading=lazy`` element near the first viewport at load?

Chromium loads a lazy image or frame at once when its box is within a distance of the viewport
(WHATWG HTML §2.5.7 "lazy loading attributes" leaves the distance to the browser; Chromium's
``LazyImageLoadingDistanceThresholdPx`` is 1250 px on a fast connection, 2500 px on 3G).
Measured on headless Chromium 156 over loopback at 1280x800: an image whose top is at 2000 px
loads, one at 2100 px does not, i.e. the 1250 px threshold (:data:`LAZY_LOAD_MARGIN`).

The heuristic, without CSS files or fonts (only what the HTML says):

- the ``<body>`` is walked in document order, accumulating an estimated vertical offset;
- block elements (``p``, ``div``, headings, lists, ``article``…) start a new line and add
  their default margins (CSS 2 Appendix D; adjacent margins collapse to the larger one);
- text is laid out as lines of 1.2 times the font size with an average glyph 0.5 em wide
  across the available width (the viewport width minus the body's 8 px margins);
- replaced elements (``img``, ``iframe``, ``video``, ``embed``, ``object``, ``canvas``,
  ``svg``) take an inline ``style`` ``width``/``height`` in px, else their ``width``/``height``
  attributes, completed by an inline ``aspect-ratio``, else the HTML defaults (300x150 for
  frames, video and canvas; an image of unknown size 0x0, which is what Chromium lays out
  until it loads). They are not scaled down to a narrow viewport: without a stylesheet a
  browser does not either (a theme's ``img { max-width: 100%; height: auto }`` does, so there
  the estimate runs tall, which leaves images out rather than lists too many);
- inline replaced elements sit side by side on a line until the line is full;
- elements that do not render (``hidden``, ``display:none`` in a ``style`` attribute, ``head``,
  ``script``, ``template``…) take no space; a ``style`` ``height`` in px on a block fixes its
  height whatever its content.

On a phone (a :class:`~push_manifest.model.Viewport` with a
``layout_width_without_meta_viewport``), content wider than the layout viewport makes Chromium
zoom the page out to fit it at load, which shows more of the page: the height that counts grows
by the same factor (the lazy-load margin does not). Measured on ``fixtures/browser-lazy`` at
390x844: a 600 px wide image makes a thumbnail at 2304 px load, one at 2671 px not (2094 px
without it).

Known limits: stylesheets are not read (grids, floats, flex rows, fixed heights, absolute
positioning and ``display:none`` from classes are unknown), web fonts and line wrapping are
approximated. Multi-column grids therefore come out taller than they are (a lazy image in a
grid may be left out); content hidden by a class comes out taller too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from lxml import etree

from push_manifest.model import Viewport

__all__ = ["LAZY_LOAD_MARGIN", "Layout"]

LAZY_LOAD_MARGIN = 1250.0
"""Chromium's lazy-load distance from the viewport on a fast connection, in CSS px."""

_Element = etree._Element

_FONT_SIZE = 16.0
_LINE = 1.2
_GLYPH = 0.5
_BODY_MARGIN = 8.0

_BLOCKS: dict[str, tuple[float, float]] = {
    # tag → (font size in em, vertical margin in em), CSS 2 Appendix D / WHATWG HTML §15.3
    **dict.fromkeys(
        ("div", "section", "article", "main", "header", "footer", "nav", "aside", "li", "tr",
         "address", "details", "summary", "form", "fieldset", "table", "tbody", "thead",
         "tfoot", "center", "hgroup", "search", "dd", "dt", "caption"),
        (1.0, 0.0),
    ),
    **dict.fromkeys(("p", "ul", "ol", "dl", "blockquote", "figure", "pre", "menu"), (1.0, 1.0)),
    "h1": (2.0, 0.67),
    "h2": (1.5, 0.83),
    "h3": (1.17, 1.0),
    "h4": (1.0, 1.33),
    "h5": (0.83, 1.67),
    "h6": (0.67, 2.33),
    "hr": (1.0, 0.5),
}  # fmt: skip
"""Block-level tags with their default font size and top/bottom margin (em)."""

_REPLACED: dict[str, tuple[float, float]] = {
    "img": (0.0, 0.0),
    "image": (0.0, 0.0),
    "input": (0.0, 0.0),
    "iframe": (300.0, 150.0),
    "video": (300.0, 150.0),
    "canvas": (300.0, 150.0),
    "embed": (300.0, 150.0),
    "object": (300.0, 150.0),
    "svg": (300.0, 150.0),
}
"""Replaced elements and their default size when nothing gives one (HTML §15.4)."""

_NOT_RENDERED = frozenset(
    {"head", "script", "style", "template", "noscript", "title", "meta", "link", "base",
     "source", "track", "param", "datalist", "dialog"}
)  # fmt: skip

_PX = r"\s*:\s*([0-9]*\.?[0-9]+)px"
_STYLE_HEIGHT = re.compile(r"(?:^|;)\s*height" + _PX, re.IGNORECASE)
_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width" + _PX, re.IGNORECASE)
_STYLE_RATIO = re.compile(
    r"(?:^|;)\s*aspect-ratio\s*:\s*([0-9]*\.?[0-9]+)\s*(?:/\s*([0-9]*\.?[0-9]+))?", re.IGNORECASE
)
_DISPLAY_NONE = re.compile(r"(?:^|;)\s*display\s*:\s*none", re.IGNORECASE)


def _number(value: str | None) -> float | None:
    """A dimension attribute's value (WHATWG HTML "rules for parsing dimension values"), px."""
    if value is None:
        return None
    match = re.match(r"\s*([0-9]+(?:\.[0-9]+)?)", value)
    return float(match.group(1)) if match else None


def _chars(text: str) -> int:
    """The length of ``text`` with its whitespace collapsed, as a browser renders it."""
    return len(" ".join(text.split()))


def _style_px(pattern: re.Pattern[str], style: str) -> float | None:
    match = pattern.search(style)
    return float(match.group(1)) if match else None


@dataclass(slots=True)
class _Flow:
    """The running state of the walk: the offset of the current line and what is on it."""

    width: float
    y: float = 0.0
    margin: float = 0.0
    """The bottom margin of the last block, not yet added (it collapses with the next)."""
    x: float = 0.0
    line: float = 0.0
    """The height of the line being filled (0: no line open)."""
    widest: float = 0.0
    """The right edge of the widest inline box, from the start of the line."""

    def block(self, margin: float) -> None:
        """End the open line and apply a block margin (collapsing with the pending one)."""
        self.newline()
        self.y += max(self.margin, margin)
        self.margin = 0.0

    def newline(self) -> None:
        if self.x or self.line:
            self.y += self.line
            self.x, self.line = 0.0, 0.0

    def settle(self) -> None:
        """Add the pending bottom margin: inline content starts below it."""
        self.y += self.margin
        self.margin = 0.0

    def place(self, width: float, height: float) -> float:
        """Put an inline box on the line (wrapping when full); its top."""
        self.settle()
        if self.x and self.x + width > self.width:
            self.newline()
        self.x += width
        self.widest = max(self.widest, self.x)
        self.line = max(self.line, height)
        return self.y

    def text(self, chars: int, font: float) -> None:
        """Lay out ``chars`` characters of text at ``font`` px."""
        if chars <= 0:
            return
        advance = chars * font * _GLYPH
        line = font * _LINE
        self.settle()
        room = self.width - self.x
        if advance <= room:
            self.x += advance
            self.line = max(self.line, line)
            return
        self.y += max(self.line, line)
        rest = advance - room
        self.y += line * math.floor(rest / self.width)
        self.x = rest % self.width
        self.line = line


@dataclass(slots=True)
class Layout:
    """Estimated tops of the elements of one parsed page, computed on first use."""

    root: _Element
    viewport: Viewport
    _tops: dict[_Element, float] | None = field(default=None, init=False)
    _zoom: float = field(default=1.0, init=False)
    """How much more of the page a phone shows at load (content wider than the viewport)."""

    def top(self, element: _Element) -> float | None:
        """The estimated top of ``element`` in CSS px from the top of the page; None when it
        is not rendered (or not in the page's body)."""
        if self._tops is None:
            self._tops = {}
            body = next(self.root.iter("body"), None)
            if body is not None:
                flow = _Flow(max(self.viewport.width - 2 * _BODY_MARGIN, 1.0))
                flow.block(_BODY_MARGIN)
                self._walk(body, flow, _FONT_SIZE)
                if self.viewport.layout_width_without_meta_viewport is not None:
                    self._zoom = max(1.0, (flow.widest + _BODY_MARGIN) / self.viewport.width)
        return self._tops.get(element)

    def near_viewport(self, element: _Element) -> bool:
        """True when a browser loads ``element`` (lazy) at load: its estimated top is within
        :data:`LAZY_LOAD_MARGIN` of the first viewport."""
        top = self.top(element)
        return top is not None and top < self.viewport.height * self._zoom + LAZY_LOAD_MARGIN

    def _walk(self, element: _Element, flow: _Flow, font: float) -> None:
        assert self._tops is not None
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and not self._hidden(child, tag):
                self._element(child, tag, flow, font)
            if child.tail:
                flow.text(_chars(child.tail), font)

    @staticmethod
    def _hidden(element: _Element, tag: str) -> bool:
        if tag in _NOT_RENDERED or element.get("hidden") is not None:
            return True
        if tag == "input" and (element.get("type") or "").strip().lower() == "hidden":
            return True
        style = element.get("style")
        return style is not None and _DISPLAY_NONE.search(style) is not None

    def _element(self, element: _Element, tag: str, flow: _Flow, font: float) -> None:
        assert self._tops is not None
        style = element.get("style") or ""
        if tag in _REPLACED:
            width, height = self._replaced_size(element, tag, style, flow.width)
            self._tops[element] = flow.place(width, height)
            return
        if tag == "br":
            flow.y += max(flow.line, font * _LINE)
            flow.x, flow.line = 0.0, 0.0
            return
        block = _BLOCKS.get(tag)
        if block is None:  # inline: its content flows on the current line
            if element.text:
                flow.text(_chars(element.text), font)
            self._walk(element, flow, font)
            return
        size, margin = block
        inner_font = font * size
        flow.block(margin * inner_font)
        start = flow.y
        fixed = _style_px(_STYLE_HEIGHT, style)
        if element.text:
            flow.text(_chars(element.text), inner_font)
        self._walk(element, flow, inner_font)
        flow.newline()
        if fixed is not None:  # its content's margins stay inside it
            flow.y, flow.margin = start + fixed, 0.0
        flow.margin = max(flow.margin, margin * inner_font)

    @staticmethod
    def _replaced_size(
        element: _Element, tag: str, style: str, available: float
    ) -> tuple[float, float]:
        """Width and height of a replaced element from its inline style and attributes
        (a ``style`` ``width`` with no height fills ``available`` at most)."""
        width = _style_px(_STYLE_WIDTH, style) or _number(element.get("width"))
        height = _style_px(_STYLE_HEIGHT, style) or _number(element.get("height"))
        ratio = _STYLE_RATIO.search(style)
        if ratio is not None:
            over = float(ratio.group(2) or 1) or 1.0
            aspect = float(ratio.group(1)) / over
            if aspect > 0:
                if width is not None and height is None:
                    height = width / aspect
                elif height is not None and width is None:
                    width = height * aspect
                elif width is None and height is None:
                    width = available
                    height = width / aspect
        default_w, default_h = _REPLACED[tag]
        if width is None and height is None:
            width, height = default_w, default_h
        elif width is None:
            width = height * (default_w / default_h) if default_h and height else default_w
        elif height is None:
            height = width * (default_h / default_w) if default_w else 0.0
        assert width is not None and height is not None
        return width, height
