"""A ``_headers`` file for Cloudflare Pages (``--format cloudflare``): the syntax of
``--format netlify`` within the limits Cloudflare documents and Netlify does not have.

Cloudflare Pages, "Limits" (developers.cloudflare.com/pages/platform/limits/#headers): "A
``_headers`` file can have a maximum of 100 header rules", and "Headers" (/pages/configuration/
headers/): "Each line in the ``_headers`` file has a 2,000 character limit. The entire line,
including spacing, header name, and value, counts towards this limit." Its path patterns are
those of ``_redirects``: a splat ``*`` "will greedily match all characters", one per URL; a
placeholder is ``:`` followed by a letter. And "Serving Pages" (/pages/configuration/
serving-pages/): Pages "will also redirect HTML pages to their extension-less counterparts:
for instance, ``/contact.html`` will be redirected to ``/contact``, and ``/about/index.html``
will be redirected to ``/about/``".

So this writer:

- gives each page the route Cloudflare serves it at, extension-less whatever ``--routes`` says
  (a rule for ``/contact.html`` would only decorate the redirect);
- merges the routes of pages whose ``Link`` lines are identical into one rule ``prefix*suffix``
  where one covers them exactly: the splat's part is not empty for any of them (so it does not
  matter whether ``*`` may match nothing), and the pattern, with ``*`` matching anything, matches
  no route or file of a page with other headers (or none) and no resource of the manifest, which
  would otherwise get those headers too. Pages and files the manifest does not list are not
  known: crawl every page of the site (``-f 'dist/**/*.html'``). Placeholders are not used: a
  splat covers whatever one would, and more;
- writes ``*`` and a placeholder's ``:`` that a route holds as ``%2A`` and ``%3A``, as
  ``--format netlify`` does, so that they match only themselves;
- writes one ``Link:`` line per link-value (a header given on several lines is sent with its
  values joined by ``, ``), leaves out a link-value whose line would pass 2,000 characters, and
  a rule whose path line would;
- warns (:func:`warnings`, with code ``budget``) for each thing left out, and when more than
  100 rules remain, which the file's first comment lines also say.

Netlify documents neither limit (docs.netlify.com, "Custom headers"): ``--format netlify`` writes
one literal rule per route, as before. Firebase Hosting documents none for ``headers`` either.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from push_manifest.headers import PageLinks, Routes, comment_text, file_path
from push_manifest.model import CrawlWarning, Manifest, WarningCode
from push_manifest.writers.base import WriterOptions, header_pages

__all__ = ["MAX_LINE", "MAX_RULES", "Plan", "Rule", "plan", "rule_path", "warnings", "write"]

MAX_RULES = 100
"""Header rules Cloudflare Pages reads from one ``_headers`` file."""
MAX_LINE = 2000
"""Characters in one line of ``_headers``, indentation and header name included."""
LIMITS_URL = "https://developers.cloudflare.com/pages/platform/limits/#headers"

_PLACEHOLDER = re.compile(r":(?=[A-Za-z])")
_LAST = "\U0010ffff"


def rule_path(route: str) -> str:
    """``route`` taken literally in a rule path: ``*`` (a splat) and ``:`` before a letter (a
    placeholder, wherever it starts) are percent-encoded so that they match only themselves."""
    return _PLACEHOLDER.sub("%3A", route.replace("*", "%2A"))


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the file: a path (a literal route or a ``prefix*suffix`` pattern), the keys
    of the pages it serves, and its ``Link`` values."""

    path: str
    pages: tuple[str, ...]
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The rules to write, and what the limits made this writer leave out or warn about."""

    rules: tuple[Rule, ...]
    problems: tuple[CrawlWarning, ...]


def plan(manifest: Manifest, options: WriterOptions) -> Plan:
    """The rules of the file for ``manifest``, merged by splats where exact, within the line
    limit; and a warning for each thing left out and for a rule count over :data:`MAX_RULES`."""
    pages = header_pages(manifest, dataclasses.replace(options, routes=Routes.EXTENSIONLESS))
    problems: list[CrawlWarning] = []
    groups: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # links → (route, page key)
    known: list[tuple[str, tuple[str, ...] | None]] = []  # (path, the links it gets)
    for page in pages:
        kept = []
        for link in page.links:
            if len(_header_line(link.value)) > MAX_LINE:
                why = f"its 'Link:' line would pass {MAX_LINE:,} characters"
                problems.append(_warning(page.page.key, f"left out {link.resource.url}: {why}"))
            else:
                kept.append(link.value)
        links = tuple(kept)
        for route in page.routes:
            if links:
                groups.setdefault(links, []).append((route, page.page.key))
            known.append((route, links))
        if file_path(page.page) not in page.routes:
            # Cloudflare redirects it to the route: the page's own headers are harmless there.
            known.append((file_path(page.page), links))
    known += [(r.url.partition("?")[0], None) for page in manifest.pages for r in page.resources]
    index = _Index(known)
    rules: list[Rule] = []
    for links, members in groups.items():
        for path, covered in _cover(sorted(members), index, links):
            if len(path) > MAX_LINE:
                why = f"no rule: its path would pass {MAX_LINE:,} characters on one line"
                problems += [_warning(page_key, why) for page_key in covered]
                continue
            rules.append(Rule(path, covered, links))
    if len(rules) > MAX_RULES:
        problems.append(
            CrawlWarning(
                code=WarningCode.HOST_LIMIT,
                document="_headers",
                message=(
                    f"{len(rules):,} header rules: Cloudflare Pages reads at most {MAX_RULES} "
                    f"({LIMITS_URL}); pages that share their headers share a rule"
                ),
            )
        )
    return Plan(tuple(rules), tuple(problems))


def _header_line(value: str) -> str:
    return f"  Link: {value}"


def _warning(key: str, message: str) -> CrawlWarning:
    return CrawlWarning(code=WarningCode.HOST_LIMIT, document=key, message=f"Cloudflare: {message}")


class _Index:
    """The known paths (page routes and files, resources) with the links each gets (None for
    a resource), searchable by prefix and by suffix."""

    def __init__(self, known: list[tuple[str, tuple[str, ...] | None]]) -> None:
        self.forward = sorted(known, key=_first)
        self.paths = [path for path, _ in self.forward]
        self.backward = sorted(((path[::-1], links) for path, links in known), key=_first)
        self.reversed_paths = [path for path, _ in self.backward]

    def clash(self, prefix: str, suffix: str, links: tuple[str, ...]) -> bool:
        """True when ``prefix*suffix`` (:func:`_matches`) matches a known path that gets other
        links than ``links``."""
        ahead = _range(self.paths, prefix)
        behind = _range(self.reversed_paths, suffix[::-1])
        if len(ahead) <= len(behind):
            found = (self.forward[i] for i in ahead)
        else:
            found = ((self.backward[i][0][::-1], self.backward[i][1]) for i in behind)
        return any(own != links and _matches(path, prefix, suffix) for path, own in found)


def _first(item: tuple[str, object]) -> str:
    return item[0]


def _range(ordered: Sequence[str], prefix: str) -> range:
    return range(bisect.bisect_left(ordered, prefix), bisect.bisect_left(ordered, prefix + _LAST))


def _matches(path: str, prefix: str, suffix: str) -> bool:
    """What ``prefix*suffix`` matches when ``*`` matches any characters, none included."""
    fits = len(path) >= len(prefix) + len(suffix)
    return fits and path.startswith(prefix) and path.endswith(suffix)


def _common_prefix(texts: Sequence[str]) -> str:
    """The longest string every one of ``texts`` starts with, character by character."""
    first, last = min(texts), max(texts)
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    return first[:size]


def _cover(
    members: list[tuple[str, str]],
    index: _Index,
    links: tuple[str, ...],
    written: tuple[str, ...] = (),
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Rule paths that serve exactly the routes of ``members`` (sorted ``(route, page key)``
    pairs, whose pages get ``links``) among the known paths: one ``prefix*suffix`` when it
    matches no known path that gets other links and none of the routes ``written`` already,
    else the routes split by the character after their common prefix, down to literal routes."""
    if len(members) == 1:
        route, key = members[0]
        yield rule_path(route), (key,)
        return
    routes = [route for route, _ in members]
    prefix = _common_prefix(routes)
    whole = [member for member in members if member[0] == prefix]
    if whole:  # A route the splat would have to match with nothing: a rule of its own.
        yield rule_path(prefix), tuple(dict.fromkeys(key for _, key in whole))
        rest = [member for member in members if member[0] != prefix]
        yield from _cover(rest, index, links, (*written, prefix))
        return
    shortest = min(len(route) for route in routes)
    suffix = _common_prefix([route[::-1] for route in routes])[::-1]
    suffix = suffix[len(suffix) - min(len(suffix), shortest - len(prefix) - 1) :]
    clashes = index.clash(prefix, suffix, links) or any(
        _matches(path, prefix, suffix) for path in written
    )
    if not clashes:
        keys = tuple(dict.fromkeys(key for _, key in members))
        yield rule_path(prefix) + "*" + rule_path(suffix), keys
        return
    branches: dict[str, list[tuple[str, str]]] = {}
    for member in members:
        branches.setdefault(member[0][len(prefix)], []).append(member)
    for branch in branches.values():
        yield from _cover(branch, index, links, written)


def warnings(manifest: Manifest, options: WriterOptions) -> tuple[CrawlWarning, ...]:
    """What Cloudflare's limits made :func:`write` leave out, and a rule count over 100."""
    return plan(manifest, options).problems


def write(manifest: Manifest, options: WriterOptions, pages: Sequence[PageLinks]) -> Iterator[str]:
    """Yield the ``_headers`` rules: literal routes and splats, one ``Link`` line per value.

    ``pages`` is not used: Cloudflare Pages serves every page at its extension-less URL, so the
    plan works out the ``Link`` values for those routes whatever ``options.routes`` says."""
    made = plan(manifest, options)
    yield "# Preload headers by http2-push-manifest: save as _headers in the publish directory"
    yield "# (Cloudflare Pages: pages at their extension-less URLs, splats for shared headers)."
    if len(made.rules) > MAX_RULES:
        yield f"# {len(made.rules):,} rules: Cloudflare Pages reads at most {MAX_RULES}:"
        yield f"# {LIMITS_URL}"
    for rule in made.rules:
        yield ""
        names = comment_text(" ".join(rule.pages[:3]))
        more = f" and {len(rule.pages) - 3:,} more pages" if len(rule.pages) > 3 else ""
        yield f"# {names}{more}"[:MAX_LINE]
        yield rule.path
        for value in rule.links:
            yield _header_line(value)
