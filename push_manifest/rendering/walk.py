"""The walk of the page tree in document order: per element and pseudo-element, the computed
values the cascade gives (inheritance, custom properties, fonts, ``display``, query
containers), the CSS images fetched and the text each font renders. See
:mod:`~push_manifest.rendering.cascade`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from push_manifest.model import Viewport
from push_manifest.rendering.containers import (
    Container,
    container_names,
    content_width,
    holds,
    size_container,
)
from push_manifest.rendering.declarations import (
    FONT_SLOTS,
    INHERITED_SLOTS,
    Candidate,
    Decl,
    Key,
    Node,
    Source,
    by_key,
    keyword_of,
    winning,
)
from push_manifest.rendering.fonts import TextRun
from push_manifest.rendering.rules import (
    UA_HIDDEN,
)
from push_manifest.rendering.selectors import (
    PageIndex,
)
from push_manifest.rendering.values import (
    SYSTEM,
    absolute_urls,
    font_families,
    font_shorthand,
    font_style,
    font_weight,
    substitute,
)
from push_manifest.scanners.css import ANY_VIEWPORT, value_urls
from push_manifest.syntax import text
from push_manifest.urls import resolve

__all__ = ["Table", "Walker"]

_UA_BOLDER: Final = frozenset({"b", "strong", "optgroup"})


_UA_BOLD: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "th"})


_UA_ITALIC: Final = frozenset({"i", "em", "cite", "var", "dfn", "address"})


_UA_MONOSPACE: Final = frozenset(
    {"code", "kbd", "pre", "samp", "tt", "listing", "xmp", "plaintext"}
)


_CONTROLS: Final = frozenset({"input", "button", "select", "textarea"})
"""Form controls: the UA style sheet gives them a system font (not inherited)."""


_UA_FONT_TAGS: Final = _UA_BOLDER | _UA_BOLD | _UA_ITALIC | _UA_MONOSPACE | _CONTROLS


_Queried = tuple[str | None, tuple[str, ...], tuple[Decl, ...], Source]
"""An ``@container`` rule's declarations for an element: the pseudo-element (None: the
element), the container preludes, the declarations and their source."""


class Table:
    """The declarations that apply, per element and pseudo-element, per longhand."""

    def __init__(self) -> None:
        self.by_target: dict[Any, dict[str | None, dict[str, list[Candidate]]]] = {}
        self.doubtful: list[tuple[Decl, Source]] = []
        self.custom: dict[str, list[tuple[Decl, Source]]] = {}
        """Every custom property declaration, by name, for doubtful ``var()`` uses."""
        self.queried: dict[Any, list[_Queried]] = {}
        """Per element: the declarations of ``@container`` rules matching it or one of its
        pseudo-elements, with their container preludes."""

    def add(self, element: Any, pseudo: str | None, key: Key, decl: Decl, source: Source) -> None:
        slots = self.by_target.setdefault(element, {}).setdefault(pseudo, {})
        slots.setdefault(decl.slot, []).append((key, decl, source))
        if decl.name.startswith("--"):
            self.custom.setdefault(decl.name, []).append((decl, source))


class _Computed:
    """An element's computed values that its children inherit, or that ``inherit`` reads."""

    __slots__ = ("containers", "custom", "families", "slots", "style", "weight")

    def __init__(
        self,
        custom: dict[str, tuple[tuple[Node, ...] | None, Source]],
        families: tuple[str, ...] | None,
        weight: float,
        style: str,
        slots: dict[str, _Value | None],
        containers: tuple[Container, ...] = (),
    ) -> None:
        self.custom = custom
        self.families = families
        self.weight = weight
        self.style = style
        self.slots = slots
        self.containers = containers
        """The size containers among the element and its ancestors, nearest last."""


_ROOT: Final = _Computed({}, ("serif",), 400.0, "normal", {})


class Walker:
    """One pass over the page tree in document order, computing what each rendered element
    and pseudo-element fetches and what text it renders in which font."""

    def __init__(
        self,
        page: PageIndex,
        table: Table,
        viewport: Viewport,
        active: set[str],
        fonts: bool,
        *,
        sized: bool = False,
        registered: Mapping[str, bool] | None = None,
    ) -> None:
        self.page = page
        self.sized = sized
        self.registered: Mapping[str, bool] = registered or {}
        """Custom properties registered (``@property``) with a syntax other than ``*``: whether
        it takes URLs."""
        """Every sheet of the page carries what sizes query containers."""
        self.table = table
        self.viewport = viewport
        self.active = active
        self.fonts = fonts
        self.images: dict[str, str] = {}
        self._done: dict[tuple[int, str], tuple[Node, ...]] = {}
        self.written: dict[str, str] = {}
        """For each image URL, the base it was resolved against."""
        self.runs: dict[tuple[tuple[str, ...], float, str], list[str]] = {}
        """The text each font renders, in pieces (ASCII whitespace removed)."""
        self.fonts_unknown = False
        self.page_text: list[str] = []
        self._lines: dict[Any, bool] = {}
        """Per parent element: whether it holds text of its own (:func:`_in_a_line`)."""

    # -- the walk --------------------------------------------------------------------------

    def run(self) -> None:
        if not self.active and not self.fonts:
            return
        root = self.page.tree
        if not isinstance(root.tag, str):
            return
        # Each element with its parent's computed values and whether it is content of a
        # closed <details> (WHATWG HTML §15.5.4; Chromium hides the content slot).
        stack: list[tuple[Any, _Computed, bool]] = [(root, _ROOT, False)]
        while stack:
            element, parent, slotted = stack.pop()
            computed = self._element(element, parent, slotted)
            if computed is None:
                continue
            tag = element.tag
            if tag == "select":
                continue  # its options render in a popup, not at load
            children = [child for child in element if isinstance(child.tag, str)]
            if tag == "details" and element.get("open") is None:
                summary = next((child for child in children if child.tag == "summary"), None)
                stack.extend(
                    (child, computed, child is not summary) for child in reversed(children)
                )
            else:
                stack.extend((child, computed, False) for child in reversed(children))

    def _element(self, element: Any, parent: _Computed, slotted: bool) -> _Computed | None:
        """Compute ``element``; None when it renders nothing (``display: none``)."""
        targets = self.table.by_target.get(element)
        own = targets.get(None) if targets else None
        tag = element.tag
        display = "none" if slotted else self._display(own, tag, element)
        if display == "none":
            return None
        if own is None and tag not in _UA_FONT_TAGS:
            computed = parent  # nothing of its own: what it inherits is already fetched
        else:
            computed = self._compute(own, parent, tag)
            if own is not None:
                self._fetch(element, own, computed, parent)
        if self.fonts:
            self._text(element, tag, computed)
        if targets:
            for pseudo, slots in targets.items():
                if pseudo is not None:
                    self._pseudo(element, tag, pseudo, slots, computed, display)
        queried = self.table.queried.get(element)
        if queried:
            self._queried(queried, parent, computed)
        return computed

    def _queried(
        self,
        queried: list[_Queried],
        parent: _Computed,
        computed: _Computed,
    ) -> None:
        """``@container`` rules matching the element: where every query may hold, what they
        declare is listed (and overrides nothing); where one cannot, they do not apply. An
        element's query containers are its ancestors; a pseudo-element's include its
        element."""
        for pseudo, preludes, decls, source in queried:
            containers = parent.containers if pseudo is None else computed.containers
            if all(holds(prelude, containers) for prelude in preludes):
                self.table.doubtful.extend((decl, source) for decl in decls)

    def _display(self, own: dict[str, list[Candidate]] | None, tag: str, element: Any) -> str:
        winner = winning(own, "display")
        if winner is None or keyword_of(winner[1].tokens) in ("revert", "unset", "initial"):
            if tag in UA_HIDDEN and not (tag == "dialog" and element.get("open") is not None):
                return "none"
            if element.get("hidden") is not None and element.get("hidden") != "until-found":
                return "none"
            if tag == "input" and (element.get("type") or "").lower() == "hidden":
                return "none"
            return "list-item" if tag in ("li", "summary") else "other"
        if winner[1].vars:
            return "other"  # unknown until substituted: rendered (doubt)
        value = text(winner[1].tokens).lower()
        if value == "none":
            return "none"
        return "list-item" if "list-item" in value else "other"

    def _compute(
        self, own: dict[str, list[Candidate]] | None, parent: _Computed, tag: str
    ) -> _Computed:
        custom = parent.custom
        if own:
            changed = {
                slot: candidates for slot, candidates in own.items() if slot.startswith("--")
            }
            if changed:
                custom = _custom_properties(parent.custom, changed, self.registered)
        families, weight, style = parent.families, parent.weight, parent.style
        if self.fonts:
            families, weight, style = self._font(own, parent, custom, tag)
        slots: dict[str, _Value | None] = {}
        for slot in INHERITED_SLOTS & self.active:
            if slot in parent.slots:
                slots[slot] = parent.slots[slot]
        containers = parent.containers
        if own and "container-type" in own:
            container = self._container(own, tag)
            if container is not None:
                containers = (*containers, container)
        return _Computed(custom, families, weight, style, slots, containers)

    def _container(self, own: dict[str, list[Candidate]], tag: str) -> Container | None:
        """The size container an element with these declarations is, if any, with its
        content-box width where CSS fixes it (every sheet read for it, a block-level box)."""
        kind = winning(own, "container-type")
        if kind is None or kind[1].vars or not size_container(kind[1].tokens):
            return None
        names = winning(own, "container-name")
        found = container_names(None if names is None else names[1].tokens)
        display = winning(own, "display")
        block = (
            keyword_of(display[1].tokens) in _BLOCK_LEVEL
            if display is not None
            else tag not in _INLINE
        )
        width = None
        if self.sized and block:
            values = [winning(own, slot) for slot in ("width", "min-width", "max-width",
                                                      "box-sizing")]  # fmt: skip
            if not any(value is not None and value[1].vars for value in values):
                size, least, most, sizing = (None if v is None else v[1].tokens for v in values)
                width = content_width(size, least, most, sizing, self.viewport)
        return Container(found, width)

    def _font(
        self,
        own: dict[str, list[Candidate]] | None,
        parent: _Computed,
        custom: dict[str, tuple[tuple[Node, ...] | None, Source]],
        tag: str,
    ) -> tuple[tuple[str, ...] | None, float, str]:
        values = _ua_font(tag, parent)
        if own:
            for slot in FONT_SLOTS:
                winner = winning(own, slot)
                if winner is not None:
                    value = _font_winner(winner[1], slot, custom, parent)
                    if value is not _INVALID:
                        values[slot] = value
        return values["font-family"], values["font-weight"], values["font-style"]

    def _fetch(
        self,
        element: Any,
        own: dict[str, list[Candidate]] | None,
        computed: _Computed,
        parent: _Computed,
    ) -> None:
        for slot in self.active:
            value = self._slot(own, slot, computed, parent)
            if slot in INHERITED_SLOTS:
                computed.slots[slot] = value
                if value is parent.slots.get(slot):
                    continue  # inherited: fetched for an ancestor
            if value is not None:
                self._fetched(value, slot, element)

    def _slot(
        self,
        candidates: dict[str, list[Candidate]] | None,
        slot: str,
        computed: _Computed,
        parent: _Computed,
    ) -> _Value | None:
        """The computed value of a fetching longhand, with where it was declared."""
        winner = winning(candidates, slot)
        if winner is None:
            return parent.slots.get(slot) if slot in INHERITED_SLOTS else None
        _, decl, source = winner
        keyword = keyword_of(decl.tokens)
        if keyword == "inherit" or (keyword in ("unset", "revert") and slot in INHERITED_SLOTS):
            return parent.slots.get(slot)
        if keyword in ("initial", "unset", "revert", "revert-layer"):
            return None
        if not decl.vars:
            return _Value(decl.tokens, source)
        substituted = substitute(decl.tokens, _lookup(computed.custom))
        if substituted is None:
            return parent.slots.get(slot) if slot in INHERITED_SLOTS else None
        return _Value(tuple(substituted), source)

    def _fetched(self, value: _Value, slot: str, element: Any) -> None:
        done = (id(value.tokens), value.source.base)
        if done in self._done:
            return
        self._done[done] = value.tokens  # held: ids stay unique
        source = value.source
        for raw, _, _ in value_urls(value.tokens, self.viewport):
            url = resolve(raw, source.base, source.encoding)
            if url is not None and url not in self.images:
                self.images[url] = f"{slot} of {_describe(element)} from {source.where}"
                self.written[url] = source.base

    def _pseudo(
        self,
        element: Any,
        tag: str,
        pseudo: str,
        slots: dict[str, list[Candidate]],
        computed: _Computed,
        display: str,
    ) -> None:
        if not _generates(pseudo, element, tag, slots, display):
            return
        inner = self._compute(slots, computed, "")
        if winning(slots, "display") is not None and self._display(slots, "", element) == "none":
            return
        for slot in self.active:
            value = self._slot(slots, slot, inner, computed)
            if value is not None:
                self._fetched(value, slot, element)
        if self.fonts and pseudo in ("before", "after", "marker"):
            content = winning(slots, "content")
            if content is not None:
                generated = _content_text(content[1].tokens, element)
                generated = generated.translate(_NO_ASCII_WHITESPACE)
                if generated:
                    self._add_text(inner, generated)

    # -- text and fonts --------------------------------------------------------------------

    def _text(self, element: Any, tag: str, computed: _Computed) -> None:
        """The text ``element`` renders in its own font: its text nodes (not its children's),
        a control's value or label, a ``<select>``'s first option; and a line's space for an
        empty or blank inline element in a line of text (its strut needs the primary font)."""
        characters = element.text or ""
        for child in element:
            tail = child.tail
            if tail:
                characters += tail
        if tag == "input":
            characters += _input_text(element)
        elif tag == "select":
            option = next(element.iter("option"), None)
            if option is not None:
                characters += "".join(option.itertext())
        if characters:
            characters = characters.translate(_NO_ASCII_WHITESPACE)
        if characters:
            self._add_text(computed, characters)
        elif tag in _INLINE and self._in_a_line(element):
            self._add_text(computed, " ")

    def _in_a_line(self, element: Any) -> bool:
        """An inline element next to text: it sits in a line box."""
        parent = element.getparent()
        if parent is None:
            return False
        found = self._lines.get(parent)
        if found is None:
            found = self._lines[parent] = _rendered_text(
                (parent.text or "") + "".join(c.tail or "" for c in parent)
            )
        return found

    def _add_text(self, computed: _Computed, characters: str) -> None:
        """Count ``characters`` (ASCII whitespace removed) as rendered in ``computed``'s font.
        A lone ``" "`` stands for an empty inline box in a line, which needs its primary
        font, the first that covers U+0020 (CSS Fonts 4 §5.3; Chromium loads it)."""
        self.page_text.append(characters)
        if computed.families is None:
            self.fonts_unknown = True
            return
        if computed.families == SYSTEM:
            return
        key = (computed.families, computed.weight, computed.style)
        self.runs.setdefault(key, []).append(characters)

    def text_runs(self) -> tuple[TextRun, ...]:
        return tuple(
            TextRun(families, weight, style, "".join(sorted(set("".join(pieces)))))
            for (families, weight, style), pieces in self.runs.items()
        )

    def add_doubtful(self) -> None:
        """Declarations of selectors that cannot be evaluated apply somewhere: their images
        are fetched (with those of every custom property a ``var()`` in them names), their
        families may render any of the page's text."""
        for decl, source in self.table.doubtful:
            if decl.slot in self.active and decl.fetches:
                self._fetched(_Value(decl.tokens, source), decl.slot, None)
                for name in decl.vars:
                    for custom, declared in self.table.custom.get(name, ()):
                        self._fetched(_Value(custom.tokens, declared), decl.slot, None)
            elif self.fonts and decl.slot == "font-family":
                families = _font_value("font-family", decl.name, decl.tokens, _ROOT)
                if decl.vars or not isinstance(families, tuple):
                    self.fonts_unknown = True
                    continue
                for weight in (400.0, 700.0):
                    for style in ("normal", "italic"):
                        self.runs.setdefault((families, weight, style), []).extend(self.page_text)


@dataclass(frozen=True, slots=True)
class _Value:
    """A fetching property's computed value (``var()`` substituted) and where the declaration
    was written: a ``url()`` that came through a custom property resolves there, against the
    sheet that uses the ``var()`` (observed in Chromium 156), unless the custom property is
    registered with a ``<url>`` syntax: its value is absolute by then
    (:func:`_custom_properties`)."""

    tokens: tuple[Node, ...]
    source: Source


_INHERIT: Final = object()


_INVALID: Final = object()


def _custom_properties(
    inherited: dict[str, tuple[tuple[Node, ...] | None, Source]],
    declared: dict[str, list[Candidate]],
    registered: Mapping[str, bool] | None = None,
) -> dict[str, tuple[tuple[Node, ...] | None, Source]]:
    """An element's computed custom properties (CSS Variables 1 §2): the inherited ones, with
    the winners of its own declarations, ``var()`` in them substituted from the element's own
    values (cycles are invalid: cut by the substitution depth). A ``registered`` one (CSS
    Properties and Values API 1) whose syntax takes URLs computes to absolute URLs, resolved
    against the sheet that declares it; one whose syntax takes none is invalid at computed
    value time when its value holds a URL (its initial value, which holds none, applies)."""
    custom = dict(inherited)
    pending = []
    for name, candidates in declared.items():
        _, decl, source = max(reversed(candidates), key=by_key)  # the last of equals
        keyword = keyword_of(decl.tokens)
        if keyword in ("inherit", "unset", "revert", "revert-layer"):
            continue
        custom[name] = (None if keyword == "initial" else decl.tokens, source)
        if decl.vars and keyword != "initial":
            pending.append((name, decl, source))
    raw = dict(custom)
    for name, decl, source in pending:
        substituted = substitute(decl.tokens, _lookup(raw))
        custom[name] = (None if substituted is None else tuple(substituted), source)
    registered = registered or {}
    for name in registered.keys() & declared.keys():
        tokens, source = custom.get(name, (None, _NOWHERE))
        if tokens is None:
            continue
        if registered[name]:
            custom[name] = (tuple(absolute_urls(tokens, partial(_resolve_at, source))), source)
        elif next(value_urls(tokens, ANY_VIEWPORT), None) is not None:
            custom[name] = (None, source)
    return custom


_NOWHERE: Final = Source("", "")


def _resolve_at(source: Source, url: str) -> str | None:
    return resolve(url, source.base, source.encoding)


def _font_value(slot: str, name: str, tokens: Sequence[Node], parent: _Computed) -> Any:
    if name == "font":
        if keyword_of(tokens) in ("inherit", "unset", "revert", "revert-layer"):
            return _INHERIT
        shorthand = font_shorthand(tokens)
        if shorthand is None:
            return _INVALID
        families, weight, style = shorthand
        if slot == "font-family":
            return families
        if slot == "font-weight":
            return _weight_value(weight, parent.weight)
        return style
    if slot == "font-family":
        names = font_families(tokens)
        if names is None:
            return _INHERIT if keyword_of(tokens) else _INVALID
        return names or None  # (): env() or attr(), unknown
    if slot == "font-weight":
        written = font_weight(tokens)
        if written is None:
            return _INHERIT if keyword_of(tokens) else _INVALID
        return _weight_value(written, parent.weight)
    slant = font_style(tokens)
    if slant is None:
        return _INHERIT if keyword_of(tokens) else _INVALID
    return slant


def _ua_font(tag: str, parent: _Computed) -> dict[str, Any]:
    """The font properties an element gets from its parent and the UA style sheet (controls
    use a system font; ``<code>`` is monospace; ``<b>`` bolder, ``<h1>`` bold; ``<em>``
    italic)."""
    families, weight, style = parent.families, parent.weight, parent.style
    if tag in _CONTROLS:
        families, weight, style = ("system-ui",), 400.0, "normal"
    elif tag in _UA_MONOSPACE:
        families = ("monospace",)
    if tag in _UA_BOLDER:
        weight = _bolder(weight)
    elif tag in _UA_BOLD:
        weight = 700.0
    if tag in _UA_ITALIC:
        style = "italic"
    return {"font-family": families, "font-weight": weight, "font-style": style}


def _font_winner(
    decl: Decl,
    slot: str,
    custom: dict[str, tuple[tuple[Node, ...] | None, Source]],
    parent: _Computed,
) -> Any:
    """The computed value of the font longhand ``slot`` its winning declaration gives, or
    ``_INVALID`` (the declaration is ignored). A ``var()`` that does not resolve makes it
    ``unset``, which inherits (CSS Variables 1 §3.1)."""
    tokens: Sequence[Node] = decl.tokens
    if decl.vars:
        substituted = substitute(decl.tokens, _lookup(custom))
        if substituted is None:
            return _inherited_font(slot, parent)
        tokens = substituted
    value = _font_value(slot, decl.name, tokens, parent)
    return _inherited_font(slot, parent) if value is _INHERIT else value


def _inherited_font(slot: str, parent: _Computed) -> Any:
    if slot == "font-family":
        return parent.families
    return parent.weight if slot == "font-weight" else parent.style


def _weight_value(weight: str, parent: float) -> float:
    if weight == "normal":
        return 400.0
    if weight == "bold":
        return 700.0
    if weight == "bolder":
        return _bolder(parent)
    if weight == "lighter":
        return _lighter(parent)
    try:
        return float(weight)
    except ValueError:
        return 400.0


def _bolder(parent: float) -> float:
    """CSS Fonts 4 §2.2.1, the table of relative weights."""
    if parent < 350:
        return 400.0
    if parent < 550:
        return 700.0
    return max(parent, 900.0)


def _lighter(parent: float) -> float:
    if parent < 550:
        return min(parent, 100.0)
    if parent < 750:
        return 400.0
    return 700.0


def _lookup(custom: dict[str, tuple[tuple[Node, ...] | None, Source]]) -> Any:
    """A ``var()`` lookup in computed custom properties."""

    def lookup(name: str) -> Sequence[Node] | None:
        found = custom.get(name)
        return None if found is None else found[0]

    return lookup


_NO_ASCII_WHITESPACE: Final = str.maketrans("", "", " \t\n\r\f")


_BLOCK_LEVEL: Final = frozenset(
    {
        "block",
        "flex",
        "grid",
        "flow-root",
        "list-item",
        "table",
        "inline-block",
        "inline-flex",
        "inline-grid",
        "inline-table",
    }
)
"""``display`` values whose box takes a ``width`` (atomic inlines included)."""


_INLINE: Final = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label",
     "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
)  # fmt: skip
"""Elements the UA style sheet leaves ``display: inline``."""


def _rendered_text(characters: str) -> bool:
    """Text that renders: anything but ASCII whitespace, which collapses (a no-break space
    renders)."""
    return bool(characters.translate(_NO_ASCII_WHITESPACE))


def _generates(
    pseudo: str, element: Any, tag: str, slots: dict[str, list[Candidate]], display: str
) -> bool:
    """Whether ``element`` has the pseudo-element ``pseudo`` at load (see the module
    docstring)."""
    if pseudo in ("before", "after"):
        # Chromium 156 styles (and so fetches for) the pseudo-element wherever some
        # ``content`` applies to it, even ``none`` or ``normal``; with none, not at all.
        return "content" in slots
    if pseudo == "marker":
        return display == "list-item"
    if pseudo == "placeholder":
        return tag in ("input", "textarea") and bool(element.get("placeholder"))
    if pseudo == "file-selector-button":
        return tag == "input" and (element.get("type") or "").lower() == "file"
    if pseudo in ("first-letter", "first-line"):
        return bool("".join(element.itertext()).strip())
    return True


def _content_text(tokens: Sequence[Node], element: Any) -> str:
    parts = []
    for token in tokens:
        if token.type == "string":
            parts.append(token.value)
        elif token.type == "function" and token.lower_name == "attr":
            name = next((t for t in token.arguments if t.type == "ident"), None)
            if name is not None:
                parts.append(element.get(name.value) or "")
        elif token.type == "function" and token.lower_name in ("counter", "counters"):
            parts.append("0123456789")
    return "".join(parts)


_BUTTON_LABELS: Final = {"submit": "Submit", "reset": "Reset"}


def _input_text(element: Any) -> str:
    kind = (element.get("type") or "text").lower()
    if kind in ("checkbox", "radio", "hidden", "file", "image", "range", "color"):
        return ""
    value = element.get("value")
    if value:
        return str(value)
    if kind in _BUTTON_LABELS:
        return _BUTTON_LABELS[kind]
    return str(element.get("placeholder") or "")


def _describe(element: Any) -> str:
    if element is None:
        return "an element"
    names = [element.tag]
    if element.get("id"):
        names.append(f"#{element.get('id')}")
    classes = (element.get("class") or "").split()
    if classes:
        names.append("." + ".".join(classes[:2]))
    return "<" + "".join(names) + ">"
