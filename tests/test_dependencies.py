"""The declared dependency bounds and the pins that CI tests them with cannot drift apart.

``setup.cfg`` declares each runtime dependency with a lower bound (``name>=X``);
``.ci/lowest-deps.txt`` pins each at that bound (``name==X``) for ``.ci/lowest``, which runs the
suite on a fresh install of exactly those versions. A bound raised in one file and not the other
would leave the declared bound untested.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SETUP_CFG = CHECKOUT / "setup.cfg"
LOWEST = CHECKOUT / ".ci" / "lowest-deps.txt"

_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$")


def normalized(name: str) -> str:
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def install_requires(text: str) -> dict[str, str]:
    """``{name: lower bound}`` from setup.cfg's ``[options] install_requires``."""
    config = configparser.ConfigParser()
    config.read_string(text)
    bounds: dict[str, str] = {}
    for line in config["options"]["install_requires"].splitlines():
        if not line.strip():
            continue
        match = _REQUIREMENT.match(line.strip())
        assert match, f"setup.cfg: cannot read requirement {line!r}"
        name, specifiers = match.groups()
        lower = [s.strip()[2:].strip() for s in specifiers.split(",") if s.strip().startswith(">=")]
        assert len(lower) == 1, f"setup.cfg: {line.strip()!r} needs exactly one '>=' lower bound"
        bounds[normalized(name)] = lower[0]
    return bounds


def pins(text: str) -> dict[str, str]:
    """``{name: pinned version}`` from a constraints file of ``name==X`` lines."""
    pinned: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep and version.strip(), f"{LOWEST.name}: {line!r} is not 'name==version'"
        assert normalized(name.strip()) not in pinned, f"{LOWEST.name}: {name!r} pinned twice"
        pinned[normalized(name.strip())] = version.strip()
    return pinned


def test_lowest_deps_pin_every_runtime_dependency_at_its_declared_bound() -> None:
    declared = install_requires(SETUP_CFG.read_text(encoding="utf-8"))
    pinned = pins(LOWEST.read_text(encoding="utf-8"))
    assert declared, "setup.cfg declares no install_requires"
    assert sorted(pinned) == sorted(declared), (
        f"names differ: only in setup.cfg {sorted(set(declared) - set(pinned))}, "
        f"only in {LOWEST.name} {sorted(set(pinned) - set(declared))}"
    )
    differing = {n: (declared[n], pinned[n]) for n in declared if declared[n] != pinned[n]}
    assert not differing, f"setup.cfg '>=' bound vs {LOWEST.name} '==' pin: {differing}"


def test_the_checks_read_what_they_claim() -> None:
    cfg = "[options]\ninstall_requires =\n    Foo_Bar>=1.2.0\n    baz>=3,<4\n"
    assert install_requires(cfg) == {"foo-bar": "1.2.0", "baz": "3"}
    assert pins("# comment\nfoo.bar==1.2.0  # why\n\nbaz==3\n") == {"foo-bar": "1.2.0", "baz": "3"}
