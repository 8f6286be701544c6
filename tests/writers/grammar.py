"""Strict parsers for what the header writers produce, written from the grammars, independently
of the code under test: an RFC 8288 ``Link`` field value and a Netlify / Cloudflare Pages
``_headers`` file. Anything outside the grammar raises ``ValueError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# RFC 9110 §5.6.2 token, §5.6.4 quoted-string (qdtext, quoted-pair), §5.6.3 OWS.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 3986 URI-reference characters (unreserved, reserved, "%").
_URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


@dataclass(frozen=True)
class ParsedLink:
    target: str
    params: tuple[tuple[str, str | None], ...]

    def get(self, name: str) -> str | None:
        """The value of parameter ``name``; ``""`` for a parameter without a value."""
        for key, value in self.params:
            if key == name:
                return "" if value is None else value
        return None

    def names(self) -> list[str]:
        return [key for key, _ in self.params]


def _ows(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _quoted(text: str, pos: int) -> tuple[str, int]:
    assert text[pos] == '"'
    pos += 1
    out = []
    while pos < len(text):
        char = text[pos]
        if char == '"':
            return "".join(out), pos + 1
        if char == "\\":
            if pos + 1 >= len(text):
                raise ValueError("dangling backslash in quoted-string")
            out.append(text[pos + 1])
            pos += 2
            continue
        if (ord(char) < 0x20 and char != "\t") or char == "\x7f":
            raise ValueError(f"control character in quoted-string at {pos}")
        out.append(char)
        pos += 1
    raise ValueError("unterminated quoted-string")


def parse_link_header(value: str) -> list[ParsedLink]:
    """RFC 8288 §3: ``Link = #link-value``, ``link-value = "<" URI-Reference ">" *( OWS ";"
    OWS link-param )``, ``link-param = token BWS [ "=" BWS ( token / quoted-string ) ]``."""
    links: list[ParsedLink] = []
    pos = 0
    while True:
        pos = _ows(value, pos)
        if not value.startswith("<", pos):
            raise ValueError(f"expected '<' at {pos} in {value!r}")
        end = value.index(">", pos)
        target = value[pos + 1 : end]
        if not _URI.fullmatch(target):
            raise ValueError(f"not a URI-Reference: {target!r}")
        pos = end + 1
        params: list[tuple[str, str | None]] = []
        while True:
            pos = _ows(value, pos)
            if pos == len(value) or value[pos] == ",":
                break
            if value[pos] != ";":
                raise ValueError(f"expected ';' or ',' at {pos} in {value!r}")
            pos = _ows(value, pos + 1)
            name = _TOKEN.match(value, pos)
            if not name:
                raise ValueError(f"expected a parameter name at {pos} in {value!r}")
            pos = _ows(value, name.end())
            param_value: str | None = None
            if value.startswith("=", pos):
                pos = _ows(value, pos + 1)
                if value.startswith('"', pos):
                    param_value, pos = _quoted(value, pos)
                else:
                    token = _TOKEN.match(value, pos)
                    if not token:
                        raise ValueError(f"expected a token or quoted-string at {pos}")
                    param_value, pos = token.group(), token.end()
            params.append((name.group().lower(), param_value))
        links.append(ParsedLink(target, tuple(params)))
        if pos == len(value):
            return links
        pos += 1  # the comma


@dataclass
class HeaderRule:
    path: str
    headers: list[tuple[str, str]] = field(default_factory=list)

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def combined(self, name: str) -> str:
        """What the platform sends: repeated names joined with ``, ``."""
        return ", ".join(self.values(name))


_HEADER_LINE = re.compile(r"(?P<name>[!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(?P<value>\S.*?)[ \t]*")


def parse_headers_file(text: str) -> list[HeaderRule]:
    """A ``_headers`` file: a non-indented line is a URL path (``/…`` or ``https://…``) starting
    a rule, indented ``Name: value`` lines are its headers, ``#`` lines (indented or not) are
    comments, blank lines are ignored. Cloudflare Pages limits every line to 2,000 characters."""
    rules: list[HeaderRule] = []
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > 2000:
            raise ValueError(f"line {number}: over 2,000 characters")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0] in " \t":
            if not rules:
                raise ValueError(f"line {number}: header before any path")
            match = _HEADER_LINE.fullmatch(stripped)
            if not match:
                raise ValueError(f"line {number}: not 'Name: value': {line!r}")
            rules[-1].headers.append((match["name"], match["value"]))
        else:
            if not (stripped.startswith("/") or stripped.startswith("https://")):
                raise ValueError(f"line {number}: a rule must start with a path: {line!r}")
            if " " in stripped or "\t" in stripped:
                raise ValueError(f"line {number}: a path holds no whitespace")
            rules.append(HeaderRule(stripped))
    for rule in rules:
        if not rule.headers:
            raise ValueError(f"rule {rule.path} has no header")
    return rules
