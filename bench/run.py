"""The benchmark: time http2-push-manifest on generated sites against a parsing floor.

``python -m bench.run [--sizes 1000,10000] [--repeat R] [--profile classic|framework] [--json]``

For each size it generates (or reuses) ``bench/sites/site-<N>-s<seed>[-framework]`` and, in each
of ``--repeat`` repeats, measures back to back, each in a fresh child process:

- **floor**: read every ``.html``/``.css`` file once, ``lxml.html.document_fromstring`` each page
  and ``tinycss2.parse_stylesheet_bytes`` each stylesheet, in one process, no crawling;
- **cold**: ``http2-push-manifest -f 'SITE/**/*.html' --root SITE -m OUT [--jobs N]`` with its
  cache removed (``.push-manifest-cache`` in the working directory and the site, the directory of
  a ``--cache-dir DIR`` option if ``--help`` lists one, and ``$XDG_CACHE_HOME``, which is pointed
  at a scratch directory);
- **warm**: the same command again, nothing changed;
- **warm+1%**: the same command after 1% of the pages were edited (:mod:`bench.edit_pages`; their
  bytes are restored afterwards);
- **npm** (informational): ``http2-push-manifest@1.0.1`` from npm, one ``-f`` per page in one
  invocation (its multi-file mode), on the sizes given by ``--npm-sizes`` (default 1000).

Every figure is given as min / median / max over the repeats. Ratios are paired: the tool's runs
of repeat i are divided by the floor of repeat i at the same size (the cold growth: the largest
size's cold run of repeat i by the smallest size's), then min / median / max of those ratios;
a target is checked on the median. The OS page cache holds every file of the site for all runs
(the files are read once before each repeat of a size), so "cold" means the tool's cache only.

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
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.edit_pages import edited, pages_to_edit
from bench.gen_site import PROFILES, ensure_site

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
REPORT_FORMAT = 2
"""The ``format`` of a ``--json`` report; ``--show`` reads only this one."""
OLD_FORMAT_COMMIT = "f08f562"
"""A commit whose bench/run.py prints the reports from before ``format`` (best-of-R figures)."""
KINDS = ("floor", "cold", "warm", "edit", "npm")
"""The runs of a size, in the order a repeat measures them."""
COLD_CPU_VS_FLOOR = 1.0
COLD_WALL_VS_FLOOR = 0.5
GROWTH_PER_SIZE_RATIO = 1.05
"""Cold CPU growth target: 1.05 times the ratio of the sizes (10.5 for 1,000 to 10,000 pages)."""
WARM_VS_FLOOR = 0.03
EDIT_VS_FLOOR = 0.05
TREE_PSS_MB = 350.0


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
    """Read and parse every page and stylesheet once, without crawling (run in a child):
    each page with lxml, each stylesheet file and each page's ``<style>`` text with tinycss2.

    Returns how many of each were parsed, their bytes, and the seconds each parser took
    (``html_s``: lxml; ``css_s``: tinycss2, inline styles included), so the table can say
    where the floor's time goes.
    """
    import lxml.html
    import tinycss2

    names = ("html", "css", "inline_css", "html_bytes", "css_bytes", "inline_css_bytes")
    parts = dict.fromkeys((*names, "html_s", "css_s"), 0.0)
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames.sort()
        for name in sorted(filenames):
            language = name.rpartition(".")[2]
            if language not in ("html", "css"):
                continue
            data = Path(dirpath, name).read_bytes()
            start = time.perf_counter()
            if language == "html":
                tree = lxml.html.document_fromstring(data)
                parts["html_s"] += time.perf_counter() - start
                start = time.perf_counter()
                for style in tree.iter("style"):
                    text = style.text or ""
                    tinycss2.parse_stylesheet(text)
                    parts["inline_css"] += 1
                    parts["inline_css_bytes"] += len(text.encode("utf-8"))
                parts["css_s"] += time.perf_counter() - start
                parts["html"] += 1
                parts["html_bytes"] += len(data)
                continue
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
        f"{parts['css']:.0f} stylesheets ({parts['css_bytes'] / 1e6:.1f} MB) and "
        f"{parts.get('inline_css', 0):.0f} <style> blocks "
        f"({parts.get('inline_css_bytes', 0) / 1e6:.1f} MB)"
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
    exe: str = TOOL
    """The command that runs it: the one beside this interpreter, else the one on ``PATH``."""


def probe_tool() -> Tool:
    """The tool beside ``sys.executable`` (else on ``PATH``) and what its ``--help`` lists."""
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
    return Tool(True, version.stdout.strip(), "", "--jobs" in text, cache_dir, exe)


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
class Sample:
    """One run of one row in one repeat; its figures are None when it did not succeed."""

    status: str = "ok"
    wall_s: float | None = None
    cpu_s: float | None = None
    max_rss_mb: float | None = None
    tree_pss_mb: float | None = None
    entries: int | None = None


def sample_of(run: Run, pages: int, label: str, entries: int | None = None) -> Sample:
    """The figures of a measured run, or its failure (also told on stderr)."""
    if run.timed_out or run.returncode != 0:
        status = "timeout" if run.timed_out else f"exit {run.returncode}"
        last = (run.stderr_tail.strip().splitlines() or [""])[-1]
        print(f"  {label} at {pages}: {status}: {last}", file=sys.stderr)
        return Sample(status)
    return Sample("ok", run.wall, run.cpu, run.max_rss_kb / 1024, run.tree_pss_kb / 1024, entries)


@dataclass
class Row:
    """One line of the measurements table: one kind of run at one size, a sample a repeat."""

    pages: int
    kind: str
    """One of :data:`KINDS`."""
    run: str
    """What the table calls it (``cold -j2``)."""
    samples: list[Sample] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``ok``, or the first failure among the repeats."""
        return next((s.status for s in self.samples if s.status != "ok"), "ok")

    def values(self, name: str) -> list[float | None]:
        """Figure ``name`` (a :class:`Sample` field) of each repeat, in repeat order."""
        return [getattr(s, name) for s in self.samples]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        samples = [Sample(**s) for s in data["samples"]]
        return cls(data["pages"], data["kind"], data["run"], samples)


@dataclass(frozen=True)
class Spread:
    """Min, median and max of a figure over the ``n`` repeats that measured it."""

    min: float
    median: float
    max: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float | None]) -> Spread | None:
        """Of the measured ``values`` (None, a failed repeat, is left out); None if none is."""
        known = [v for v in values if v is not None]
        if not known:
            return None
        return cls(min(known), statistics.median(known), max(known), len(known))


def paired(
    numerators: Sequence[float | None], denominators: Sequence[float | None]
) -> list[float | None]:
    """Repeat i's numerator over repeat i's denominator (None where either is missing)."""
    return [
        None if a is None or not b else a / b
        for a, b in zip(numerators, denominators, strict=False)
    ]


@dataclass
class Figure:
    """One line of the issue's table: a figure at one size (or between two), over the repeats,
    and its target when it has one, met when the median is at most ``limit``."""

    name: str
    at: str
    """The size in pages, or ``largest/smallest`` for a growth."""
    unit: str
    """``x`` (a ratio), ``s``, ``ms`` or ``MB``."""
    spread: Spread | None
    limit: float | None = None
    note: str = ""
    """How the limit was set, when it depends on the sizes."""

    @property
    def ok(self) -> bool | None:
        """Whether the target is met; None without a target or a figure."""
        if self.limit is None or self.spread is None:
            return None
        return self.spread.median <= self.limit

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        spread = Spread(**data["spread"]) if data["spread"] else None
        return cls(data["name"], data["at"], data["unit"], spread, data["limit"], data["note"])


def figures(rows: list[Row]) -> list[Figure]:
    """The issue's table from the measured rows: ratios paired per repeat; the cold targets at
    every size, the warm and memory targets at the largest, the growth between the largest and
    the smallest (target 1.05 times their ratio)."""
    sizes = sorted({r.pages for r in rows})
    if not sizes:
        return []
    small, large = sizes[0], sizes[-1]

    def values(n: int, kind: str, name: str) -> list[float | None]:
        row = next((r for r in rows if r.pages == n and r.kind == kind), None)
        return row.values(name) if row else []

    def vs_floor(kind: str, name: str) -> Callable[[int], list[float | None]]:
        return lambda n: paired(values(n, kind, name), values(n, "floor", name))

    def per_size(
        name: str, unit: str, of: Callable[[int], list[float | None]], limit: float | None = None
    ) -> list[Figure]:
        """``name`` at each size; ``limit`` applies at every size for the cold ratios (named
        ``cold ...``), else at the largest only."""
        every = name.startswith("cold ")
        return [
            Figure(name, str(n), unit, Spread.of(of(n)), limit if every or n == large else None)
            for n in sizes
        ]

    def per_page(n: int) -> list[float | None]:
        return [None if v is None else v * 1000 / n for v in values(n, "cold", "cpu_s")]

    out = per_size("cold CPU / floor CPU", "x", vs_floor("cold", "cpu_s"), COLD_CPU_VS_FLOOR)
    out += per_size("cold wall / floor wall", "x", vs_floor("cold", "wall_s"), COLD_WALL_VS_FLOOR)
    out += per_size("cold CPU per page", "ms", per_page)
    if large != small:
        growth = paired(values(large, "cold", "cpu_s"), values(small, "cold", "cpu_s"))
        floor_growth = paired(values(large, "floor", "cpu_s"), values(small, "floor", "cpu_s"))
        at, limit = f"{large}/{small}", GROWTH_PER_SIZE_RATIO * large / small
        note = f"{GROWTH_PER_SIZE_RATIO} x {large}/{small}"
        out.append(Figure("cold growth (CPU)", at, "x", Spread.of(growth), limit, note))
        out.append(Figure("floor growth (CPU)", at, "x", Spread.of(floor_growth)))
    out += per_size("warm CPU", "s", lambda n: values(n, "warm", "cpu_s"))
    out += per_size("warm CPU / floor CPU", "x", vs_floor("warm", "cpu_s"), WARM_VS_FLOOR)
    out += per_size("warm+1% CPU", "s", lambda n: values(n, "edit", "cpu_s"))
    out += per_size("warm+1% CPU / floor CPU", "x", vs_floor("edit", "cpu_s"), EDIT_VS_FLOOR)
    pss = per_size("peak tree PSS, cold", "MB", lambda n: values(n, "cold", "tree_pss_mb"))
    pss[-1].limit = TREE_PSS_MB
    return out + pss


def checks(found: list[Figure]) -> list[dict[str, Any]]:
    """The targets among ``found``: each with its figure (median, min, max), limit and verdict."""
    out = []
    for f in found:
        if f.limit is None:
            continue
        s = f.spread
        out.append(
            {
                "target": f"{f.name} at {f.at}",
                "value": s.median if s else None,
                "min": s.min if s else None,
                "max": s.max if s else None,
                "limit": f.limit,
                "note": f.note,
                "ok": f.ok,
            }
        )
    return out


@dataclass
class Report:
    """Everything one ``python -m bench.run`` measured; ``--json`` prints :meth:`to_json`."""

    machine: dict[str, Any]
    tool: dict[str, Any]
    profile: str
    seed: int
    repeat: int
    jobs: int
    rows: list[Row] = field(default_factory=list)
    floor_parts: dict[str, dict[str, float]] = field(default_factory=dict)
    """By size: where the fastest floor run's time went (:func:`floor`)."""
    css_per_page: dict[str, dict[str, float]] = field(default_factory=dict)
    edited_pages: dict[str, int] = field(default_factory=dict)
    """By size: how many pages the warm+1% run edited."""
    generation_s: dict[str, float | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The report with its figures and target checks, tagged :data:`REPORT_FORMAT`."""
        found = figures(self.rows)
        return {
            "format": REPORT_FORMAT,
            **asdict(self),
            "figures": [f.to_json() for f in found],
            "targets": checks(found),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """The report ``to_json`` wrote; ValueError for another format."""
        if not isinstance(data, dict) or data.get("format") != REPORT_FORMAT:
            raise ValueError(
                f"not a report of format {REPORT_FORMAT}; an older one prints with the old bench: "
                f"git show {OLD_FORMAT_COMMIT}:bench/run.py > /tmp/old_run.py && "
                "PYTHONPATH=. python /tmp/old_run.py --show FILE"
            )
        plain = {k: data[k] for k in ("machine", "tool", "profile", "seed", "repeat", "jobs")}
        extra = ("floor_parts", "css_per_page", "edited_pages", "generation_s")
        return cls(
            **plain,
            rows=[Row.from_json(r) for r in data["rows"]],
            **{k: data.get(k, {}) for k in extra},
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


SPECS = {"x": ".3f", "s": ".2f", "ms": ".1f", "MB": ".0f"}
"""How a figure of each unit is printed."""


def _cell(values: Sequence[float | None], spec: str) -> str:
    """``median [min-max]`` of the measured ``values`` (the median alone for one), or ``-``."""
    s = Spread.of(values)
    if s is None:
        return "-"
    if s.n == 1:
        return format(s.median, spec)
    return f"{s.median:{spec}} [{s.min:{spec}}-{s.max:{spec}}]"


def _print_columns(lines: list[tuple[str, ...]], left: set[int]) -> None:
    """Print ``lines`` (the first is the heading) as aligned columns, those in ``left`` to the
    left, the others to the right."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        cells = (
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        print("  ".join(cells).rstrip())


def print_header(report: Report) -> None:
    """The machine, the load average before and after, the tool, the site and the repeats."""
    m, tool = report.machine, report.tool
    print(
        f"machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['os']}; "
        f"Python {m['python']}, lxml {m['lxml']}, tinycss2 {m['tinycss2']}, node {m['node'] or '-'}"
    )
    busy = max(m["loadavg_1m_before"], m["loadavg_1m"]) > 1
    print(
        f"load average (1 min): {m['loadavg_1m_before']} before, {m['loadavg_1m']} after"
        + ("  (busy machine: figures are noisy)" if busy else "")
    )
    print(
        f"tool: {tool['version'] or tool['reason']}; profile {report.profile}, seed {report.seed};"
        f" {report.repeat} repeat(s): median [min-max]; ratios paired within a repeat"
    )
    print()


def print_rows(rows: list[Row]) -> None:
    """The measurements: one line a run and size, each figure over the repeats."""
    head = ("pages", "run", "wall s", "cpu s", "cpu ms/page", "max RSS MB", "tree PSS MB")
    lines = [(*head, "entries", "status")]
    for r in rows:
        entries = [e for e in r.values("entries") if e is not None]
        per_page = [None if v is None else v * 1000 / r.pages for v in r.values("cpu_s")]
        lines.append(
            (
                str(r.pages),
                r.run,
                _cell(r.values("wall_s"), ".2f"),
                _cell(r.values("cpu_s"), ".2f"),
                _cell(per_page, ".1f"),
                _cell(r.values("max_rss_mb"), ".0f"),
                _cell(r.values("tree_pss_mb"), ".0f"),
                str(entries[-1]) if entries else "-",
                r.status,
            )
        )
    _print_columns(lines, left={1, 8})


def _target_text(f: Figure) -> str:
    if f.limit is None:
        return ""
    return f"<= {f.limit:g}" + (f" ({f.note})" if f.note else "")


def print_figures(found: list[Figure]) -> None:
    """The issue's table: each figure's min, median and max over the repeats, and its target."""
    lines = [("figure", "pages", "min", "median", "max", "target")]
    for f in found:
        spec, s = SPECS[f.unit], f.spread
        name = f.name if f.unit == "x" else f"{f.name} ({f.unit})"
        shown = ["-"] * 3 if s is None else [format(v, spec) for v in (s.min, s.median, s.max)]
        lines.append((name, f.at, *shown, _target_text(f)))
    _print_columns(lines, left={0, 5})


def print_checks(found: list[Figure]) -> None:
    """PASS, FAIL or n/a for each target, with the median and the range it was checked on."""
    for f in found:
        if f.limit is None:
            continue
        verdict = "n/a" if f.ok is None else "PASS" if f.ok else "FAIL"
        s, spec = f.spread, SPECS[f.unit]
        shown = "-" if s is None else f"{s.median:{spec}}"
        if s is not None and s.n > 1:
            shown += f" (median of {s.n}, {s.min:{spec}}-{s.max:{spec}})"
        print(f"{verdict:4}  {f.name} at {f.at}: {shown}; target {_target_text(f)}")


def print_notes(report: Report) -> None:
    """Where the floor's time went, what a page's cascade reads, what warm+1% edited."""
    notes = [floor_parts_line(int(n), parts) for n, parts in report.floor_parts.items()]
    notes += [stylesheets_line(int(n), per) for n, per in report.css_per_page.items()]
    notes += [
        f"warm+1% at {n} pages: {k} page(s) edited (a paragraph inserted after <body>), "
        "restored after the run"
        for n, k in report.edited_pages.items()
    ]
    for note in notes:
        print(note)
    if notes:
        print()


def print_report(report: Report) -> None:
    """The whole report as text: header, measurements, notes, the issue's table, the checks."""
    found = figures(report.rows)
    print_header(report)
    print_rows(report.rows)
    print()
    print_notes(report)
    print_figures(found)
    print()
    print_checks(found)


# --- main ---------------------------------------------------------------------------------


def _show(path: Path) -> int:
    """Print the report of a saved ``--json`` run; 2 with one line on stderr if it is not one."""
    try:
        report = Report.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    print_report(report)
    return 0


def _labels(tool: Tool, jobs: int) -> dict[str, str]:
    """What the table calls each kind of run."""
    suffix = f" -j{jobs}" if tool.jobs else " default jobs"
    return {
        "floor": "floor",
        "cold": "cold" + suffix,
        "warm": "warm" + suffix,
        "edit": "warm+1%" + suffix,
        "npm": "npm 1.0.1",
    }


def _tool_command(
    n: int, site: Path, tool: Tool, jobs: int, work: Path
) -> tuple[list[str], dict[str, str], Path, Path]:
    """The tool's command line at ``n`` pages, its environment, its manifest and cache folder."""
    out = work / f"manifest-{n}.json"
    cmd = [tool.exe, "-f", f"{site}/**/*.html", "--root", str(site), "-m", str(out)]
    if tool.jobs:
        cmd += ["--jobs", str(jobs)]
    cache = work / f"cache-{n}"
    if tool.cache_dir:
        cmd += [tool.cache_dir, str(cache / "tool")]
    env = dict(os.environ, XDG_CACHE_HOME=str(cache / "xdg"))
    # As installed: compiled once (pip writes the bytecode at install), not on every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return cmd, env, out, cache


def _tool_samples(
    n: int, site: Path, tool: Tool, args: argparse.Namespace, work: Path, report: Report
) -> dict[str, Sample]:
    """One repeat of the tool at ``n`` pages: cold (its caches emptied first), warm, then warm
    after 1% of the pages were edited (restored afterwards)."""
    cmd, env, out, cache = _tool_command(n, site, tool, args.jobs, work)
    _clear_caches(work, site)
    shutil.rmtree(cache, ignore_errors=True)
    out.unlink(missing_ok=True)

    def run(kind: str) -> Sample:
        done = measure(cmd, work, args.timeout, env=env)
        return sample_of(done, n, kind, _entries(out))

    found = {"cold": run("cold")}
    if per_page := stylesheets_per_page(out, site):
        report.css_per_page[str(n)] = per_page
    found["warm"] = run("warm")
    pages = pages_to_edit(site, args.seed)
    report.edited_pages[str(n)] = len(pages)
    with edited(site, pages, args.seed):
        found["edit"] = run("warm+1%")
    return found


def _npm_sample(n: int, site: Path, args: argparse.Namespace, work: Path) -> Sample:
    """One run of the npm tool at ``n`` pages."""
    out = work / f"npm-manifest-{n}.json"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    cmd = ["node", str(NPM_BIN), "-m", str(out)]
    for page in pages:
        cmd += ["-f", page]
    env = dict(os.environ, NO_UPDATE_NOTIFIER="1")
    out.unlink(missing_ok=True)
    return sample_of(measure(cmd, site, args.timeout, env=env), n, "npm", _entries(out))


def _floor_sample(n: int, site: Path, args: argparse.Namespace, report: Report, row: Row) -> None:
    """One floor run at ``n`` pages into ``row``; keeps where its time went if the fastest."""
    fastest = min((w for w in row.values("wall_s") if w is not None), default=None)
    done = measure(
        [sys.executable, "-m", "bench.run", "--floor", str(site)],
        REPO,
        args.timeout,
        capture_stdout=True,
    )
    sample = sample_of(done, n, "floor")
    row.samples.append(sample)
    if sample.wall_s is not None and (fastest is None or sample.wall_s < fastest):
        report.floor_parts[str(n)] = json.loads(done.stdout)


def _read_site(site: Path) -> None:
    """Read every file of ``site`` once, so that the OS page cache holds it for every run."""
    for path in sorted(site.rglob("*")):
        if path.is_file():
            path.read_bytes()


def _measure_repeat(
    n: int,
    site: Path,
    tool: Tool,
    npm: str | None,
    args: argparse.Namespace,
    rows: dict[str, Row],
    report: Report,
) -> None:
    """One repeat at ``n`` pages into ``rows`` (by kind), back to back: floor, cold, warm,
    warm+1%, and the npm tool unless ``npm`` is None (``npm`` is '' when it can run, else why
    it cannot)."""
    _read_site(site)
    _floor_sample(n, site, args, report, rows["floor"])
    if tool.available:
        for kind, sample in _tool_samples(n, site, tool, args, SITES / "_work", report).items():
            rows[kind].samples.append(sample)
    else:
        for kind in ("cold", "warm", "edit"):
            rows[kind].samples.append(Sample("tool not available"))
    if npm == "":
        rows["npm"].samples.append(_npm_sample(n, site, args, SITES / "_work"))
    elif npm is not None:
        rows["npm"].samples.append(Sample(f"not available: {npm}"))


def run_bench(args: argparse.Namespace, sizes: list[int]) -> Report:
    """Generate (or reuse) the sites, then measure ``args.repeat`` repeats of every size."""
    load_before = os.getloadavg()[0]
    npm_sizes = set() if args.skip_npm else {int(s) for s in args.npm_sizes.split(",") if s}
    tool = probe_tool()
    if not tool.available:
        print(f"tool not available: {tool.reason}", file=sys.stderr)
    npm_problem = ensure_npm_tool(args.timeout) if npm_sizes & set(sizes) else ""
    if npm_problem:
        print(f"npm tool not available: {npm_problem}", file=sys.stderr)
    report = Report({}, asdict(tool), args.profile, args.seed, args.repeat, args.jobs)
    (SITES / "_work").mkdir(parents=True, exist_ok=True)
    sites: dict[int, Path] = {}
    for n in sizes:
        print(f"[{n} pages] site ({args.profile})", file=sys.stderr)
        sites[n], stats = ensure_site(SITES, n, args.seed, args.profile)
        report.generation_s[str(n)] = stats.seconds if stats else None
    labels = _labels(tool, args.jobs)
    rows = {
        n: {k: Row(n, k, labels[k]) for k in KINDS if k != "npm" or n in npm_sizes} for n in sizes
    }
    for i in range(args.repeat):
        for n in sizes:
            print(f"[{n} pages] repeat {i + 1} of {args.repeat}", file=sys.stderr)
            npm = npm_problem if n in npm_sizes else None
            _measure_repeat(n, sites[n], tool, npm, args, rows[n], report)
    report.rows = [row for n in sizes for row in rows[n].values()]
    report.machine = machine()
    report.machine["loadavg_1m_before"] = round(load_before, 2)
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        metavar="N,N,...",
        help="comma-separated site sizes to measure, in pages (default: %(default)s)",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="classic",
        help="the generated site's profile (bench.gen_site --profile; default: %(default)s)",
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
        help="seed of the site generator and of the pages warm+1%% edits, any integer "
        "(default: %(default)s)",
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
        help="repeats; each figure is reported as min / median / max over them, ratios paired "
        "within a repeat, targets checked on the median (default: %(default)s)",
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
        return _show(args.show)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        parser.error("--sizes needs at least one size of one page or more, --repeat at least 1")
    report = run_bench(args, sizes)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
