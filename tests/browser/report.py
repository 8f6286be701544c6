"""Print the browser-versus-manifest table for the pages of a local site.

    python -m tests.browser.report fixtures/browser-css
    python -m tests.browser.report path/to/dist --page index.html --page blog/post.html

Serves the site on 127.0.0.1, crawls it with :func:`push_manifest.build_manifest`, loads each
page in Debian's headless Chromium, and prints recall and precision per page with every URL
where the two disagree. Exit status 1 when any page disagrees outside the allow-list.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .allowlist import ALLOW
from .chromium import QUIET_MS, TIMEOUT_S, BrowserUnavailable, launch
from .oracle import check_site


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.browser.report", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("site", type=Path, help="the site's document root")
    parser.add_argument(
        "--page",
        action="append",
        dest="pages",
        metavar="PAGE",
        help="a page path relative to SITE (repeatable; default: every *.html)",
    )
    parser.add_argument("--all", action="store_true", help="print agreeing rows too")
    parser.add_argument("--quiet-ms", type=int, default=QUIET_MS, help="quiet period after load")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds per page")
    parser.add_argument("--no-allow", action="store_true", help="ignore the fixtures' allow-list")
    parser.add_argument(
        "--no-prune", action="store_true", help="crawl without render-aware pruning"
    )
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        parser.error(f"not a directory: {args.site}")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = launch(playwright)
        except BrowserUnavailable as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        comparisons = check_site(
            browser,
            args.site,
            args.pages,
            allow={} if args.no_allow else ALLOW,
            quiet_ms=args.quiet_ms,
            timeout_s=args.timeout,
            prune=not args.no_prune,
        )
        browser.close()
    for comparison in comparisons:
        print(comparison.table(all_rows=args.all))
        print()
    failed = [c for c in comparisons if not c.ok]
    print(f"{len(comparisons) - len(failed)} of {len(comparisons)} pages agree with the browser")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
