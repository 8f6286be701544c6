"""Decoding HTML bytes into text the way browsers do.

WHATWG HTML §13.2.3.2 "Determining the character encoding", without the steps that need a network
or a user (transport layer, user override, frequency analysis): BOM, then the prescan of the first
1024 bytes (``<meta charset>``, ``<meta http-equiv=content-type>``, an XML declaration), then a
later ``<meta>`` the parser meets (§13.2.3.5 "changing the encoding while parsing"), then the
fallback. Labels are WHATWG Encoding labels (``latin1`` is windows-1252). Decoding never raises:
bytes that do not decode become U+FFFD.
"""

from __future__ import annotations

import codecs
import re

import webencodings

__all__ = ["decode_html", "decode_problem", "late_declaration", "prescan"]

_PRESCAN_LIMIT = 1024
_WS = b"\t\n\x0c\r "
_WS_OR_SLASH = b"\t\n\x0c\r /"
_UPPER = frozenset(range(0x41, 0x5B))
_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
)

# windows-1252 bytes that Python's cp1252 leaves undefined; WHATWG maps them to the C1 controls.
_CP1252_C1 = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
_CP1252_ERRORS = "push_manifest.windows-1252"


def _cp1252_errors(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start]
    return (chr(byte) if byte in _CP1252_C1 else "\ufffd"), error.start + 1


codecs.register_error(_CP1252_ERRORS, _cp1252_errors)


def decode_html(data: bytes, fallback: str = "utf-8") -> tuple[str, str]:
    """Decode an HTML document; return ``(text, WHATWG encoding name)``.

    A BOM (UTF-8, UTF-16BE, UTF-16LE) wins and is not part of the text; otherwise the encoding
    declared in the first 1024 bytes (see :func:`prescan`); otherwise the one a later ``<meta>``
    in the head declares (see :func:`late_declaration`); otherwise ``fallback`` (a WHATWG label).
    Undecodable bytes become U+FFFD; this function never raises on its input, only on an unknown
    ``fallback`` label (``LookupError``).
    """
    default = webencodings.lookup(fallback)
    if default is None:
        raise LookupError(f"unknown encoding label: {fallback!r}")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], webencodings.lookup(name) or default), name
    declared = prescan(data[:_PRESCAN_LIMIT]) or late_declaration(data)
    encoding = (webencodings.lookup(declared) if declared else None) or default
    return _decode(data, encoding), str(encoding.name)


_RAW_TEXT = frozenset({b"script", b"style", b"title", b"textarea", b"xmp", b"iframe", b"noembed",
                       b"noframes"})  # fmt: skip
_HEAD = frozenset({b"html", b"head", b"meta", b"link", b"base", b"noscript", b"object"})
"""Start tags that do not end the head section for :func:`late_declaration`, besides raw text."""
_LATE = re.compile(rb"<!--|<(/?)([A-Za-z][^\t\n\x0c\r />]*)")
_RAW_END = {name: re.compile(rb"</(?i:" + name + rb")[\t\n\x0c\r />]") for name in _RAW_TEXT}


def late_declaration(data: bytes) -> str | None:
    """The encoding a ``<meta>`` in the head declares past the prescan's 1024 bytes, as a WHATWG
    name, or ``None``: for a page whose BOM and prescan declare nothing.

    WHATWG HTML §13.2.6.4.4 "in head", a ``meta`` start tag: while the confidence is
    *tentative*, its ``charset`` (or ``http-equiv=content-type`` with a ``content`` charset)
    "changes the encoding" (§13.2.3.5) and the page is decoded again from the start; the first
    ``<meta>`` with a known encoding makes the confidence *certain*. The spec lets a ``<meta>``
    in the body do this too; Chromium (the browser oracle, fixtures/browser-tree) does not: its
    charset scanner reads tags while they may belong to the head and stops at the first start
    tag that may not (``<body>``, ``<p>``, ``<img>`` …). It skips comments and raw text
    (``<script>``, ``<style>``, ``<title>`` …) but reads inside ``<noscript>``, and so does
    this. Attributes are read as the prescan reads them.
    """
    pos = 0
    while (found := _LATE.search(data, pos)) is not None:
        if found.group(2) is None:  # "<!--"
            close = data.find(b"-->", found.start() + 2)
            if close < 0:
                return None
            pos = close + 3
            continue
        name = found.group(2).lower()
        if found.group(1):  # an end tag
            close = data.find(b">", found.end())
            if close < 0:
                return None
            pos = close + 1
            continue
        if name == b"meta":
            charset, pos = _meta(data, found.end())
            if charset is not None:
                return charset
            continue
        if name not in _HEAD and name not in _RAW_TEXT:
            return None
        pos = _skip_attributes(data, found.end())
        if name in _RAW_TEXT:
            end_tag = _RAW_END[name].search(data, pos)
            if end_tag is None:
                return None
            pos = end_tag.end()
    return None


_CSS_CHARSET = re.compile(rb'@charset "([^"]*)";')
"""CSS Syntax 3 §3.2: the ``@charset`` a stylesheet's bytes may start with, byte for byte."""


def decode_problem(data: bytes, encoding: str, *, stylesheet: bool = False) -> str | None:
    """Why the file ``data``, decoded as ``encoding`` (a WHATWG label), is not sound text, or
    ``None``: for a warning that names the file, while decoding goes on as browsers do.

    In order: an empty file; NUL bytes outside UTF-16 (a binary file under a text name); a BOM
    that overrides a different ``<meta charset>`` (HTML) or ``@charset`` (``stylesheet``)
    declaration; bytes that are invalid in ``encoding`` (read as U+FFFD). Never raises.
    """
    if not data:
        return "empty file"
    found = webencodings.lookup(encoding)
    name = str(found.name) if found is not None else encoding
    if b"\x00" in data and not name.startswith("utf-16"):
        return "binary content (NUL bytes), not a text file"
    for bom, bom_name in _BOMS:
        if data.startswith(bom):
            declared = _declared(data[len(bom) :], stylesheet)
            if declared is not None and declared != bom_name:
                what = "@charset" if stylesheet else "<meta charset>"
                return f"the {bom_name} byte order mark overrides {what} {declared}"
            data = data[len(bom) :]
            break
    if found is None or name in ("windows-1252", "x-user-defined"):
        return None
    if name == "replacement":
        return f"encoding {encoding!r} cannot be decoded; read as U+FFFD"
    try:
        found.codec_info.decode(data, "strict")
    except UnicodeDecodeError as error:
        return f"bytes invalid in {name} from byte {error.start}; read as U+FFFD"
    return None


def _declared(data: bytes, stylesheet: bool) -> str | None:
    if not stylesheet:
        return prescan(data[:_PRESCAN_LIMIT])
    match = _CSS_CHARSET.match(data)
    return _get_encoding(match.group(1)) if match else None


def _decode(data: bytes, encoding: webencodings.Encoding) -> str:
    if encoding.name == "replacement":
        # WHATWG Encoding §14.1: the whole stream decodes to one U+FFFD.
        return "\ufffd" if data else ""
    errors = _CP1252_ERRORS if encoding.name == "windows-1252" else "replace"
    text: str = encoding.codec_info.decode(data, errors)[0]
    return text


def prescan(data: bytes) -> str | None:
    """The encoding that ``data`` declares, as a WHATWG name, or ``None``.

    WHATWG HTML §13.2.3.2 "prescan a byte stream to determine its encoding", step by step, over
    all of ``data`` (callers pass the first 1024 bytes). A declared UTF-16 becomes UTF-8 and
    x-user-defined becomes windows-1252; an unknown label declares nothing.
    """
    # Step 3: UTF-16 XML declarations.
    if data.startswith(b"<\x00?\x00x\x00"):
        return "utf-16le"
    if data.startswith(b"\x00<\x00?\x00x"):
        return "utf-16be"
    end = len(data)
    pos = 0
    while pos < end:
        if data[pos] != 0x3C:  # "<"
            pos += 1
            continue
        if data.startswith(b"<!--", pos):
            close = data.find(b"-->", pos + 2)
            if close < 0:
                break
            pos = close + 3
            continue
        if (
            pos + 5 < end
            and data[pos + 1 : pos + 5].lower() == b"meta"
            and data[pos + 5] in _WS_OR_SLASH
        ):
            found, pos = _meta(data, pos + 5)
            if found is not None:
                return found
            continue
        nxt = data[pos + 1] if pos + 1 < end else -1
        after = data[pos + 2] if pos + 2 < end else -1
        if nxt in _LETTERS or (nxt == 0x2F and after in _LETTERS):  # "<a", "</a"
            pos += 1
            while pos < end and data[pos] not in _WS and data[pos] != 0x3E:
                pos += 1
            pos = _skip_attributes(data, pos)
        elif nxt in (0x21, 0x2F, 0x3F):  # "<!", "</", "<?"
            close = data.find(b">", pos + 2)
            if close < 0:
                break
            pos = close
        pos += 1
    return _xml_encoding(data)


def _meta(data: bytes, pos: int) -> tuple[str | None, int]:
    """The ``<meta>`` steps of the prescan, from just after ``<meta`` and its space or slash."""
    seen: set[bytes] = set()
    got_pragma = False
    need_pragma: bool | None = None
    charset: str | None = None
    while True:
        attribute, pos = _get_attribute(data, pos)
        if attribute is None:
            break
        name, value = attribute
        if name in seen:
            continue
        seen.add(name)
        if name == b"http-equiv":
            got_pragma = got_pragma or value == b"content-type"
        elif name == b"content":
            if charset is None:
                extracted = _charset_from_content(value)
                if extracted is not None:
                    charset, need_pragma = extracted, True
        elif name == b"charset":
            charset, need_pragma = _get_encoding(value), False
    if need_pragma is None or (need_pragma and not got_pragma) or charset is None:
        return None, pos + 1
    if charset in ("utf-16be", "utf-16le"):
        return "utf-8", pos
    if charset == "x-user-defined":
        return "windows-1252", pos
    return charset, pos


def _skip_attributes(data: bytes, pos: int) -> int:
    """Where the tag whose attributes start at ``pos`` ends: its attributes read as the prescan
    reads them (:func:`_get_attribute`), up to its ``>`` or the end of ``data``."""
    while True:
        attribute, pos = _get_attribute(data, pos)
        if attribute is None:
            return pos


def _get_attribute(data: bytes, pos: int) -> tuple[tuple[bytes, bytes] | None, int]:  # noqa: C901
    """WHATWG "get an attribute" (prescan): ``((name, value) | None, new position)``.

    ``None`` means the tag ended (``>``) or the bytes ran out; names and values are ASCII
    lowercased, as the algorithm specifies. A transcription of the algorithm of WHATWG HTML
    §13.2.3.2 ("get an attribute", within "prescan a byte stream to determine its encoding"),
    kept whole, step for step, so it reads against the spec: hence its complexity.
    """
    end = len(data)
    while pos < end and data[pos] in _WS_OR_SLASH:
        pos += 1
    if pos >= end or data[pos] == 0x3E:
        return None, pos
    name = bytearray()
    value = bytearray()
    # Step 4: the attribute name.
    while True:
        if pos >= end:
            return None, pos
        byte = data[pos]
        if byte == 0x3D and name:  # "="
            pos += 1
            break
        if byte in _WS:
            while pos < end and data[pos] in _WS:  # Step 5.
                pos += 1
            if pos >= end:
                return None, pos
            if data[pos] != 0x3D:  # Step 6: no value.
                return (bytes(name), b""), pos
            pos += 1
            break
        if byte in (0x2F, 0x3E):  # "/", ">"
            return (bytes(name), b""), pos
        name.append(byte + 0x20 if byte in _UPPER else byte)
        pos += 1
    # Steps 8-10: the value.
    while pos < end and data[pos] in _WS:
        pos += 1
    if pos >= end:
        return None, pos
    quote = data[pos]
    if quote in (0x22, 0x27):
        pos += 1
        while pos < end:
            byte = data[pos]
            pos += 1
            if byte == quote:
                return (bytes(name), bytes(value)), pos
            value.append(byte + 0x20 if byte in _UPPER else byte)
        return None, pos
    if quote == 0x3E:
        return (bytes(name), b""), pos
    while pos < end:
        byte = data[pos]
        if byte in _WS or byte == 0x3E:
            return (bytes(name), bytes(value)), pos
        value.append(byte + 0x20 if byte in _UPPER else byte)
        pos += 1
    return None, pos


def _charset_from_content(value: bytes) -> str | None:
    """WHATWG HTML "algorithm for extracting a character encoding from a meta element"."""
    pos = 0
    lowered = value.lower()
    while True:
        pos = lowered.find(b"charset", pos)
        if pos < 0:
            return None
        pos += 7
        while pos < len(value) and value[pos] in _WS:
            pos += 1
        if pos < len(value) and value[pos] == 0x3D:  # "="
            break
    pos += 1
    while pos < len(value) and value[pos] in _WS:
        pos += 1
    if pos >= len(value):
        return None
    quote = value[pos]
    if quote in (0x22, 0x27):
        close = value.find(bytes([quote]), pos + 1)
        return None if close < 0 else _get_encoding(value[pos + 1 : close])
    stop = pos
    while stop < len(value) and value[stop] not in _WS and value[stop] != 0x3B:  # ";"
        stop += 1
    return _get_encoding(value[pos:stop])


def _xml_encoding(data: bytes) -> str | None:
    """WHATWG HTML "get an XML encoding": the ``encoding`` of a leading ``<?xml … ?>``."""
    if not data.startswith(b"<?xml"):
        return None
    close = data.find(b">")
    if close < 0:
        return None
    pos = data.lower().find(b"encoding", 0, close)
    if pos < 0:
        return None
    pos += 8
    while pos < close and data[pos] <= 0x20:
        pos += 1
    if pos >= close or data[pos] != 0x3D:
        return None
    pos += 1
    while pos < close and data[pos] <= 0x20:
        pos += 1
    if pos >= close or data[pos] not in (0x22, 0x27):
        return None
    stop = data.find(bytes([data[pos]]), pos + 1, close)
    if stop < 0:
        return None
    label = data[pos + 1 : stop]
    if any(byte <= 0x20 for byte in label):
        return None
    name = _get_encoding(label)
    return "utf-8" if name in ("utf-16be", "utf-16le") else name


def _get_encoding(label: bytes) -> str | None:
    """WHATWG Encoding "get an encoding": a label's encoding name, or ``None`` when unknown."""
    encoding = webencodings.lookup(label.decode("latin-1"))
    return None if encoding is None else str(encoding.name)
