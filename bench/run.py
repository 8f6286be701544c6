"""The benchmark: time http2-push-manifest on generated sites against a parsing floor.

``python -m bench.run [--sizes 100,1000,10000] [--jobs N] [--skip-npm] [--seed S] [--json]``

For each size it generates (or reuses) ``bench/sites/site-<N>-s<seed>`` and measures, each in a
fresh child process:

- **floor**: read every ``.html``/``.css`` file once, ``lxml.html.document_fromstring`` each page
  and ``tinycss2.parse_stylesheet_bytes`` each stylesheet, in one process, no crawling;
- **cold**: ``http2-push-manifest -f 'SITE/**/*.html' --root SITE -m OUT [--jobs N]`` with its
  cache removed (``.push-manifest-cache`` in the working directory and the site, the directory of
  a ``--cache-dir DIR`` option if ``--help`` lists one, and ``$XDG_CACHE_HOME``, which is pointed
  at a scratch directory);
- **warm**: the same command again, nothing changed;
- **npm**: ``http2-push-manifest@1.0.1`` from npm, one ``-f`` per page in one invocation (its
  multi-file mode), on the sizes given by ``--npm-sizes`` (default 1000).

Each figure is the best of ``--repeat`` runs; the OS page cache holds every file of the site for
all of them (the files are read once beforehand), so "cold" means the tool's own cache only.
``--json`` prints the figures as JSON instead of the table.

Wall time is measured around ``os.wait4`` of the child; **cpu s** is the user plus system time
``os.wait4`` reports for it, which includes the workers it reaped (the cost of a run, whatever
the other processes on the machine were doing to its wall time). Memory is reported two ways:
**max RSS**, the ``ru_maxrss`` that ``os.wait4`` returns for that child (the kernel's figure behind
``getrusage(RUSAGE_CHILDREN)``, scoped to one child: the largest single process of its tree), and
**tree PSS**, the peak of the summed proportional set size of the whole process tree, sampled
from ``/proc/<pid>/smaps_rollup`` (what several worker processes use together, shared pages
counted once): every 50 ms at first, backing off to every 500 ms as the run goes on
(:func:`sample_interval`). Reading ``smaps_rollup`` walks a process's page tables under its
memory lock; at a fixed 50 ms it slowed a 10,000-page run by a quarter (128 s against 102 s).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.gen_site import ensure_site

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SITES = BENCH / "sites"
NPM_PREFIX = BENCH / ".npm"
NPM_PACKAGE = "http2-push-manifest@1.0.1"
NPM_BIN = NPM_PREFIX / "node_modules" / "http2-push-manifest" / "bin" / "http2-push-manifest"
TOOL = "http2-push-manifest"
CACHE_NAMES = (".push-manifest-cache",)
"""Cache directories the tool may keep in its working directory or the site root."""
SAMPLE_SECONDS = (0.05, 0.5)
"""The shortest and the longest interval between two memory samples."""


def sample_interval(elapsed: float) -> float:
    """Seconds until the next memory sample, ``elapsed`` seconds into a run: a fiftieth of the
    time so far, within :data:`SAMPLE_SECONDS` (a run that grows for minutes changes slowly)."""
    shortest, longest = SAMPLE_SECONDS
    return min(longest, max(shortest, elapsed / 50))


# --- measuring one child ------------------------------------------------------------------


@dataclass
class Run:
    """One measured child process."""

    wall: float
    cpu: float
    """User plus system CPU seconds of the child and of the descendants it reaped (its
    workers), as ``os.wait4`` reports them."""
    max_rss_kb: int
    tree_pss_kb: int
    returncode: int
    timed_out: bool
    stdout: str
    stderr_tail: str


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree_pss_kb(root: int) -> int:
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _pss_kb(pid)
        todo.extend(_children(pid))
    return total


def measure(
    cmd: Sequence[str],
    cwd: Path,
    timeout: float,
    env: dict[str, str] | None = None,
    capture_stdout: bool = False,
) -> Run:
    """Run ``cmd`` to completion (or ``timeout`` seconds, then kill its process group)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out if capture_stdout else subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
        peak = [0]
        done = threading.Event()
        timed_out = [False]

        def sample() -> None:
            while not done.wait(sample_interval(time.perf_counter() - start)):
                peak[0] = max(peak[0], _tree_pss_kb(proc.pid))
                if time.perf_counter() - start > timeout:
                    timed_out[0] = True
                    os.killpg(proc.pid, signal.SIGKILL)
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if timed_out[0]:
            # Its workers may outlive it; the group is ours to end.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        err.seek(0)
        out.seek(0)
        tail = err.read().decode(errors="replace")[-2000:]
        stdout = out.read().decode(errors="replace") if capture_stdout else ""
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss, peak[0], proc.returncode, timed_out[0], stdout, tail)


# --- what is measured ---------------------------------------------------------------------


def floor(site: Path) -> dict[str, float]:
    """Read and parse every page and stylesheet once, without crawling (run in a child).

    Returns how many of each were parsed, their bytes, and the seconds each parser took
    (``html_s``: lxml; ``css_s``: tinycss2), so the table can say where the floor's time goes.
    """
    import lxml.html
    import tinycss2

    parts = dict.fromkeys(("html", "css", "html_bytes", "css_bytes", "html_s", "css_s"), 0.0)
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames.sort()
        for name in sorted(filenames):
            language = name.rpartition(".")[2]
            if language not in ("html", "css"):
                continue
            data = Path(dirpath, name).read_bytes()
            start = time.perf_counter()
            if language == "html":
                lxml.html.document_fromstring(data)
            else:
                tinycss2.parse_stylesheet_bytes(data)
            parts[f"{language}_s"] += time.perf_counter() - start
            parts[language] += 1
            parts[f"{language}_bytes"] += len(data)
    return parts


def floor_parts_line(pages: int, parts: dict[str, float]) -> str:
    """One line of where the floor's time went at ``pages`` pages."""
    return (
        f"floor at {pages} pages: lxml {parts['html_s']:.2f} s for {parts['html']:.0f} pages "
        f"({parts['html_bytes'] / 1e6:.1f} MB), tinycss2 {parts['css_s']:.2f} s for "
        f"{parts['css']:.0f} stylesheets ({parts['css_bytes'] / 1e6:.1f} MB)"
    )


@dataclass
class Tool:
    """What ``http2-push-manifest --help`` says the command line supports."""

    available: bool
    version: str = ""
    reason: str = ""
    jobs: bool = False
    cache_dir: str = ""
    """The option that sets the cache directory, if any."""


def probe_tool() -> Tool:
    beside = Path(sys.executable).parent / TOOL  # this interpreter's, even off PATH
    exe = str(beside) if os.access(beside, os.X_OK) else shutil.which(TOOL)
    if exe is None:
        return Tool(False, reason=f"{TOOL} is neither beside {sys.executable} nor on PATH")
    try:
        done = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Tool(False, reason=str(exc))
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Tool(False, reason=f"--help exited {done.returncode}: {last}")
    text = done.stdout
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    option = re.search(r"(--cache(?:-dir)?)[ =][A-Z]", text)
    cache_dir = option.group(1) if option else ""
    return Tool(True, version.stdout.strip(), "", "--jobs" in text, cache_dir)


def _clear_caches(*dirs: Path) -> None:
    for d in dirs:
        for name in CACHE_NAMES:
            if (d / name).is_dir():
                shutil.rmtree(d / name)


def _entries(manifest: Path) -> int | None:
    """Total resources listed in a multi-page manifest, or None when unreadable."""
    try:
        data = json.loads(manifest.read_text())
        return sum(len(v) for v in data.values() if isinstance(v, dict))
    except (OSError, ValueError):
        return None


def stylesheets_per_page(manifest: Path, site: Path) -> dict[str, float] | None:
    """How many stylesheets a page of the manifest loads, and their kilobytes on disk (each
    file counted once per page): the CSS whose rules the cascade reads for that page. None
    when the manifest is unreadable."""
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    pages = [v for v in data.values() if isinstance(v, dict)]
    sizes: dict[str, int] = {}
    sheets = 0
    total = 0
    for resources in pages:
        for url, resource in resources.items():
            if not isinstance(resource, dict) or resource.get("type") != "style":
                continue
            path = url.partition("?")[0].lstrip("/")
            if path not in sizes:
                file = site / path
                sizes[path] = file.stat().st_size if file.is_file() else 0
            sheets += 1
            total += sizes[path]
    if not pages:
        return None
    return {"sheets": sheets / len(pages), "kb": total / 1024 / len(pages)}


def stylesheets_line(pages: int, per_page: dict[str, float]) -> str:
    """One line of what a page's cascade reads at ``pages`` pages."""
    return (
        f"a page at {pages} pages loads {per_page['sheets']:.2f} stylesheets, "
        f"{per_page['kb']:.0f} KB (the cold run's manifest)"
    )


def ensure_npm_tool(timeout: float) -> str:
    """Install the npm tool under ``bench/.npm`` if needed; '' when ready, else the reason."""
    if NPM_BIN.is_file():
        return ""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "npm/node not installed"
    try:
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(NPM_PREFIX), NPM_PACKAGE],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "npm install timed out"
    if done.returncode != 0 or not NPM_BIN.is_file():
        return "npm install failed: " + (done.stderr.strip().splitlines() or [""])[-1]
    return ""


# --- the report ---------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the result table."""

    pages: int
    run: str
    status: str = "ok"
    wall_s: float | None = None
    pages_per_s: float | None = None
    cpu_s: float | None = None
    max_rss_mb: float | None = None
    tree_pss_mb: float | None = None
    vs_floor: float | None = None
    entries: int | None = None
    walls: list[float] = field(default_factory=list)


def _row(pages: int, name: str, runs: list[Run], entries: int | None = None) -> Row:
    bad = [r for r in runs if r.timed_out or r.returncode != 0]
    if bad:
        r = bad[0]
        status = "timeout" if r.timed_out else f"exit {r.returncode}"
        last = (r.stderr_tail.strip().splitlines() or [""])[-1]
        print(f"  {name} at {pages}: {status}: {last}", file=sys.stderr)
        return Row(pages, name, status, walls=[x.wall for x in runs])
    # Best of the runs, as timeit does: on a shared machine noise only ever adds time.
    best = min(runs, key=lambda r: r.wall)
    return Row(
        pages,
        name,
        wall_s=best.wall,
        pages_per_s=pages / best.wall,
        cpu_s=best.cpu,
        max_rss_mb=max(r.max_rss_kb for r in runs) / 1024,
        tree_pss_mb=max(r.tree_pss_kb for r in runs) / 1024,
        entries=entries,
        walls=[r.wall for r in runs],
    )


def machine() -> dict[str, object]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    node = shutil.which("node")
    node_version = ""
    if node:
        node_version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    import lxml.etree
    import tinycss2

    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024**2, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
        "tinycss2": tinycss2.__version__,
        "node": node_version.strip(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def targets(rows: list[Row]) -> list[dict[str, object]]:
    """The issue's targets, each as measured value vs limit (None: not measured)."""

    def get(pages: int, run_prefix: str) -> Row | None:
        return next(
            (r for r in rows if r.pages == pages and r.run.startswith(run_prefix) and r.wall_s),
            None,
        )

    out: list[dict[str, object]] = []

    def add(name: str, value: float | None, limit: float, at_most: bool = True) -> None:
        ok = None if value is None else (value <= limit if at_most else value >= limit)
        out.append({"target": name, "value": value, "limit": limit, "at_most": at_most, "ok": ok})

    for n in (1000, 10000):
        cold = get(n, "cold")
        add(f"cold/floor at {n}", cold.vs_floor if cold else None, 0.6)
    for n in sorted({r.pages for r in rows}):
        warm = get(n, "warm")
        if warm:
            add(f"warm/floor at {n}", warm.vs_floor, 0.1)
    cold, npm = get(1000, "cold"), get(1000, "npm")
    speedup = None
    if cold and npm and cold.pages_per_s and npm.pages_per_s:
        speedup = cold.pages_per_s / npm.pages_per_s
    add("pages/s vs npm at 1000", speedup, 15, at_most=False)
    c1, c10 = get(1000, "cold"), get(10000, "cold")
    growth = None
    if c1 and c10 and c1.wall_s and c10.wall_s:
        growth = c10.wall_s / c1.wall_s
    add("cold 10000/1000 time", growth, 11)
    add("tree PSS MB at 10000 (cold)", c10.tree_pss_mb if c10 else None, 500)
    add("max RSS MB at 10000 (cold)", c10.max_rss_mb if c10 else None, 500)
    return out


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_header(m: dict[str, Any], tool: dict[str, Any], seed: int, repeat: int) -> None:
    print(
        f"machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['os']}; "
        f"Python {m['python']}, lxml {m['lxml']}, tinycss2 {m['tinycss2']}, node {m['node'] or '-'}"
    )
    busy = max(m["loadavg_1m_before"], m["loadavg_1m"]) > 1
    print(
        f"load average (1 min): {m['loadavg_1m_before']} before, {m['loadavg_1m']} after"
        + ("  (busy machine: figures are noisy)" if busy else "")
    )
    print(f"tool: {tool['version'] or tool['reason']}; seed {seed}; best of {repeat}")
    print()


def print_table(
    rows: list[Row],
    checks: list[dict[str, object]],
    floor_parts: dict[str, dict[str, float]] | None = None,
    css_per_page: dict[str, dict[str, float]] | None = None,
) -> None:
    """The table, then where the floor's time went and what a page's cascade reads at each
    size (when measured), then the targets."""
    head = (
        "pages",
        "run",
        "wall s",
        "pages/s",
        "cpu s",
        "max RSS MB",
        "tree PSS MB",
        "vs floor",
        "entries",
        "status",
    )
    lines = [head]
    for r in rows:
        lines.append(
            (
                str(r.pages),
                r.run,
                _fmt(r.wall_s, ".2f"),
                _fmt(r.pages_per_s, ".0f"),
                _fmt(r.cpu_s, ".1f"),
                _fmt(r.max_rss_mb, ".0f"),
                _fmt(r.tree_pss_mb, ".0f"),
                _fmt(r.vs_floor, ".2f"),
                "-" if r.entries is None else str(r.entries),
                r.status,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for line in lines:
        print(
            "  ".join(
                c.rjust(w) if i != 1 and i != 9 else c.ljust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
    print()
    notes = [floor_parts_line(int(n), parts) for n, parts in (floor_parts or {}).items()]
    notes += [stylesheets_line(int(n), per) for n, per in (css_per_page or {}).items()]
    for note in notes:
        print(note)
    if notes:
        print()
    for c in checks:
        value = c["value"]
        shown = "-" if value is None else f"{value:.2f}"
        verdict = "n/a" if c["ok"] is None else "PASS" if c["ok"] else "FAIL"
        sign = "<=" if c["at_most"] else ">="
        print(f"{verdict:4}  {c['target']}: {shown} (target {sign} {c['limit']})")


# --- main ---------------------------------------------------------------------------------


def _show(path: Path) -> None:
    """Print the table of a saved ``--json`` report."""
    report = json.loads(path.read_text())
    print_header(report["machine"], report["tool"], report["seed"], report["repeat"])
    shown = [Row(**r) for r in report["rows"]]
    print_table(
        shown, report["targets"], report.get("floor_parts", {}), report.get("css_per_page", {})
    )


def _tool_rows(
    n: int,
    site: Path,
    tool: Tool,
    args: argparse.Namespace,
    work: Path,
    css_per_page: dict[str, dict[str, float]],
) -> list[Row]:
    """The tool's cold and warm rows at ``n`` pages (and its stylesheets per page)."""
    found: list[Row] = []
    out = work / f"manifest-{n}.json"
    out.unlink(missing_ok=True)
    cmd = [TOOL, "-f", f"{site}/**/*.html", "--root", str(site), "-m", str(out)]
    label = "default jobs"
    if tool.jobs:
        cmd += ["--jobs", str(args.jobs)]
        label = f"-j{args.jobs}"
    cache = work / f"cache-{n}"
    if tool.cache_dir:
        cmd += [tool.cache_dir, str(cache / "tool")]
    env = dict(os.environ, XDG_CACHE_HOME=str(cache / "xdg"))
    for mode in ("cold", "warm"):
        print(f"[{n} pages] {mode}", file=sys.stderr)
        runs = []
        for _ in range(args.repeat):
            if mode == "cold":
                _clear_caches(work, site)
                shutil.rmtree(cache, ignore_errors=True)
                out.unlink(missing_ok=True)
            runs.append(measure(cmd, work, args.timeout, env=env))
        found.append(_row(n, f"{mode} {label}", runs, _entries(out)))
        if mode == "cold" and (per_page := stylesheets_per_page(out, site)):
            css_per_page[str(n)] = per_page
    return found


def _npm_row(n: int, site: Path, npm_problem: str, args: argparse.Namespace, work: Path) -> Row:
    """The npm tool's row at ``n`` pages."""
    if npm_problem:
        return Row(n, "npm 1.0.1", status=f"not available: {npm_problem}")
    print(f"[{n} pages] npm {NPM_PACKAGE}", file=sys.stderr)
    out = work / f"npm-manifest-{n}.json"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    cmd = ["node", str(NPM_BIN), "-m", str(out)]
    for page in pages:
        cmd += ["-f", page]
    env = dict(os.environ, NO_UPDATE_NOTIFIER="1")
    runs = []
    for _ in range(args.repeat):
        out.unlink(missing_ok=True)
        runs.append(measure(cmd, site, args.timeout, env=env))
    return _row(n, "npm 1.0.1", runs, _entries(out))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes",
        default="100,1000,10000",
        metavar="N,N,...",
        help="comma-separated site sizes to measure, in pages (default: %(default)s)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="--jobs given to the tool, in worker processes (default: all cores, here %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the site generator, any integer (default: %(default)s)",
    )
    parser.add_argument(
        "--skip-npm",
        action="store_true",
        help=f"do not run the npm tool {NPM_PACKAGE} (default: run it on --npm-sizes)",
    )
    parser.add_argument(
        "--npm-sizes",
        default="1000",
        metavar="N,N,...",
        help="comma-separated sizes, in pages, of those in --sizes that the npm tool also runs "
        "on (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per measurement, the best one reported (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=900,
        metavar="SECONDS",
        help="time limit of each run, in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the figures as JSON instead of the table (default: the table)",
    )
    parser.add_argument(
        "--show",
        type=Path,
        metavar="FILE",
        help="print the table of a saved --json output; run nothing",
    )
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.floor:
        print(json.dumps(floor(args.floor)))
        return 0
    if args.show:
        _show(args.show)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    load_before = os.getloadavg()[0]
    npm_sizes = set() if args.skip_npm else {int(s) for s in args.npm_sizes.split(",") if s}
    tool = probe_tool()
    if not tool.available:
        print(f"tool not available: {tool.reason}", file=sys.stderr)
    npm_problem = ""
    if npm_sizes & set(sizes):
        npm_problem = ensure_npm_tool(args.timeout)
        if npm_problem:
            print(f"npm tool not available: {npm_problem}", file=sys.stderr)
    rows: list[Row] = []
    floor_parts: dict[str, dict[str, float]] = {}
    css_per_page: dict[str, dict[str, float]] = {}
    generated: dict[int, float | None] = {}
    work = SITES / "_work"
    work.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        print(f"[{n} pages] site", file=sys.stderr)
        site, stats = ensure_site(SITES, n, args.seed)
        generated[n] = stats.seconds if stats else None
        for path in sorted(site.rglob("*")):  # warm the OS page cache for every run alike
            if path.is_file():
                path.read_bytes()

        print(f"[{n} pages] floor", file=sys.stderr)
        floor_cmd = [sys.executable, "-m", "bench.run", "--floor", str(site)]
        runs = [
            measure(floor_cmd, REPO, args.timeout, capture_stdout=True) for _ in range(args.repeat)
        ]
        floor_row = _row(n, "floor", runs)
        rows.append(floor_row)
        if floor_row.wall_s is not None:
            fastest = min(runs, key=lambda r: r.wall)
            floor_parts[str(n)] = json.loads(fastest.stdout)

        if tool.available:
            rows.extend(_tool_rows(n, site, tool, args, work, css_per_page))
        else:
            rows.append(Row(n, "cold", status="tool not available"))

        if n in npm_sizes:
            rows.append(_npm_row(n, site, npm_problem, args, work))

        for r in rows:
            if r.pages == n and r.wall_s and floor_row.wall_s:
                r.vs_floor = r.wall_s / floor_row.wall_s

    checks = targets(rows)
    m = machine()
    m["loadavg_1m_before"] = round(load_before, 2)
    if args.json:
        report = {
            "machine": m,
            "seed": args.seed,
            "repeat": args.repeat,
            "jobs": args.jobs,
            "tool": asdict(tool),
            "generation_s": generated,
            "rows": [asdict(r) for r in rows],
            "floor_parts": floor_parts,
            "css_per_page": css_per_page,
            "targets": checks,
        }
        print(json.dumps(report, indent=2))
    else:
        print_header(m, asdict(tool), args.seed, args.repeat)
        print_table(rows, checks, floor_parts, css_per_page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
