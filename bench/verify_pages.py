"""How long ``http2-push-manifest verify`` takes on N demo-sized pages.

``python -m bench.verify_pages [--pages 100] [--workers N] [--dir DIR] [-- VERIFY OPTIONS…]``

Copies ``fixtures/demo`` into DIR (a temporary directory by default) and adds copies of its
``index.html`` until the site has N pages (``p/0001.html`` …, each loading the demo's
stylesheets, fonts, script and images), then runs ``python -m push_manifest verify -q --json
-f 'DIR/**/*.html' --root DIR [--workers N]`` in a child process and prints:

- **wall s**: the child's run, start to end;
- **cpu s**: user plus system time of the whole process tree (Python, Playwright's driver,
  every Chromium process), from ``resource.getrusage(resource.RUSAGE_CHILDREN)`` before and
  after. Chromium's zygote double-forks its renderers, which would then escape that count:
  the bench makes itself the tree's child subreaper (Linux ``PR_SET_CHILD_SUBREAPER``) and
  reaps every orphan before it reads the figure;
- **pages**, **failed**, **timed out** and the total **recall** and **precision** of the report;
- **load**: the 1-minute load average before the run (the figures mean little on a busy machine).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo"


def make_site(target: Path, pages: int) -> None:
    """``fixtures/demo`` plus copies of its index page, ``pages`` HTML pages in all."""
    shutil.copytree(DEMO, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected*"))
    existing = len(list(target.rglob("*.html")))
    index = (DEMO / "index.html").read_text(encoding="utf-8")
    # Root-absolute references keep working one directory down; relative ones are made so.
    index = re.sub(r'(href|src)="(?!/|https?:|#)', r'\1="/', index)
    (target / "p").mkdir(exist_ok=True)
    for number in range(max(pages - existing, 0)):
        (target / "p" / f"{number:04d}.html").write_text(index, encoding="utf-8")


PR_SET_CHILD_SUBREAPER = 36
ORPHANS_S = 15.0
"""How long the bench waits for the tree's last processes after its child has ended."""


def adopt_orphans() -> None:
    """Make descendants whose parent ended (Chromium's renderers) this process's children, so
    that their CPU time is counted once they are reaped (Linux only; elsewhere a no-op)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans() -> int:
    """Wait for every adopted process to end; how many were reaped."""
    reaped, deadline = 0, time.monotonic() + ORPHANS_S
    while time.monotonic() < deadline:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            reaped += 1
        else:
            time.sleep(0.05)
    return reaped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pages", type=int, default=100, metavar="N",
        help="how many copies of the demo's pages to verify (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, metavar="N",
        help="verify's --workers: pages loading at once (default: verify's)",
    )  # fmt: skip
    parser.add_argument(
        "--dir", type=Path, metavar="DIR",
        help="where to write the site (default: a temporary directory, removed afterwards)",
    )  # fmt: skip
    parser.add_argument("extra", nargs="*", help="more verify options, after --")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = args.dir or Path(scratch) / "site"
        make_site(site, args.pages)
        command = [
            sys.executable, "-m", "push_manifest", "verify", "-q", "--json",
            "-f", f"{site}/**/*.html", "--root", str(site),
            *(["--workers", str(args.workers)] if args.workers else []), *args.extra,
        ]  # fmt: skip
        load = os.getloadavg()[0]
        adopt_orphans()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.monotonic() - started
        reap_orphans()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        print(done.stderr, file=sys.stderr)
        return done.returncode
    report = json.loads(done.stdout)
    failed = sum(page["error"] is not None for page in report["pages"])
    timed_out = sum(page["timed_out"] for page in report["pages"])
    workers = args.workers or "default"
    print(
        f"pages {len(report['pages'])}  workers {workers}  wall s {wall:.1f}  cpu s {cpu:.1f}  "
        f"load {load:.2f}"
    )
    print(
        f"failed {failed}  timed out {timed_out}  "
        f"recall {report['recall']['found']}/{report['recall']['total']}  "
        f"precision {report['precision']['found']}/{report['precision']['total']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
